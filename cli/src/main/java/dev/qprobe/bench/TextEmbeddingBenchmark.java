package dev.qprobe.bench;

import dev.qprobe.model.text.MiniLmEmbedder;
import dev.qprobe.task.ArithmeticTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the bundled sentence embedder ({@link MiniLmEmbedder}): k = 48 completions of about
 * 40 characters per call, embedded alone and after an arithmetic-task prompt (the Q-probe setting),
 * with the default batch size (texts embedded in parallel on the library's pool) and with batch size
 * 1 (one text at a time on the calling thread). Each setting runs for about SECONDS seconds after a
 * warm-up; the median over calls is reported. Argument (optional): SECONDS per setting, default 5.
 */
public final class TextEmbeddingBenchmark {
    private static final int K = 48;

    private TextEmbeddingBenchmark() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        List<String> completions = completions(new Random(7));
        String prompt = ArithmeticTask.standard().testPrompts().get(0).text();
        double chars = completions.stream().mapToInt(String::length).average().orElse(0);
        long start = System.nanoTime();
        new MiniLmEmbedder().embedTexts(List.of("load"));
        System.out.printf(Locale.ROOT, "%s, %d processors; model load %.2f s; k = %d completions of %.1f"
                        + " characters on average; prompt of %d characters%n", new MiniLmEmbedder().id(),
                Runtime.getRuntime().availableProcessors(), (System.nanoTime() - start) / 1e9, K, chars,
                prompt.length());
        for (int batch : new int[] {MiniLmEmbedder.DEFAULT_BATCH_SIZE, K, 1}) {
            MiniLmEmbedder embedder = new MiniLmEmbedder(batch);
            for (boolean withPrompt : new boolean[] {false, true}) {
                String p = withPrompt ? prompt : "";
                measure(embedder, p, completions, 1.0);  // warm-up
                double[] rates = measure(embedder, p, completions, seconds);
                Arrays.sort(rates);
                System.out.printf(Locale.ROOT, "batch %2d  %-20s %7.1f embeddings/s (median of %d calls of %d;"
                                + " min %.1f, max %.1f)%n", batch,
                        withPrompt ? "prompt + completion" : "completion alone", rates[rates.length / 2],
                        rates.length, K, rates[0], rates[rates.length - 1]);
            }
        }
    }

    private static double[] measure(MiniLmEmbedder embedder, String prompt, List<String> completions, double seconds) {
        List<Double> rates = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t = System.nanoTime();
            embedder.embed(prompt, completions);
            rates.add(completions.size() / ((System.nanoTime() - t) / 1e9));
        } while (System.nanoTime() < end);
        return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Answers in the style of sampled completions, about 40 characters each. */
    private static List<String> completions(Random random) {
        String[] forms = {
            " %d. Carry the 1 and the sum is %d.", " The answer is %d (checked: %d).",
            " %d, since the columns add up to %d.", " Adding the columns gives %d, so %d."
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < K; i++) {
            int a = 100 + random.nextInt(9900);
            out.add(String.format(Locale.ROOT, forms[i % forms.length], a, a + random.nextInt(3) - 1));
        }
        return out;
    }
}
