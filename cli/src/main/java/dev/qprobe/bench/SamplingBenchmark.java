package dev.qprobe.bench;

import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.WorkedAdditionTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sampling and embedding throughput of the built-in model in the demo's shape: 200 completions
 * per worked-addition test prompt at temperature 0.8, top-p 0.95, then their last-layer features.
 * Compares, in one run and in alternating rounds, one prompt in flight against the model's
 * {@link BuiltinModel#preferredConcurrency()} (what the demo uses), and the KV cache against
 * re-running the whole sequence at every step (one prompt in flight). Arguments (optional): number
 * of prompts (default 10) and rounds (default 2). {@code contention [SECONDS ROUNDS THREADS]} runs
 * {@link SamplingContentionBenchmark} instead: throughput alone and next to a CPU-bound process.
 */
public final class SamplingBenchmark {
    private static final int SAMPLES = WorkedAdditionTask.SAMPLES_PER_PROMPT;

    private SamplingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("contention")) {
            SamplingContentionBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        WorkedAdditionTask task = WorkedAdditionTask.standard();
        List<Prompt> chosen = task.testPrompts().subList(0, Math.min(prompts, task.testPrompts().size()));
        SamplingConfig config = SamplingConfig.of(SAMPLES).withMaxTokens(task.maxCompletionChars())
                .withStop(List.of(task.stop()));
        try (BuiltinModel model = BuiltinModel.load()) {
            int inFlight = model.preferredConcurrency();
            System.out.printf(Locale.ROOT, "%s on %s, %d cores; %d worked-addition prompts x %d samples, %d rounds%n",
                    model.id(), model.device(), Runtime.getRuntime().availableProcessors(), chosen.size(), SAMPLES,
                    rounds);
            model.sample(chosen.get(0).text(), config);  // warm-up
            Embedder features = model.hiddenStates(-1, false);
            System.out.printf(Locale.ROOT, "%-26s %14s %16s %16s%n", "mode", "tokens/s", "sample s/prompt",
                    "embed s/prompt");
            for (int round = 1; round <= rounds; round++) {
                for (int threads : new int[] {1, inFlight}) {
                    run("KV cache, " + threads + " in flight", model, features, chosen, config, true, threads);
                }
                if (round == 1) {  // the slow mode once: it is there to show what the cache saves
                    run("no cache, 1 in flight", model, null, chosen, config, false, 1);
                }
            }
        }
    }

    private static void run(String mode, BuiltinModel model, Embedder features, List<Prompt> prompts,
                            SamplingConfig config, boolean cache, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<List<Completion>>> samples = new ArrayList<>();
            for (Prompt p : prompts) {
                samples.add(pool.submit(() -> model.generate(p.text(), config, cache)));
            }
            long tokens = 0;
            List<List<String>> texts = new ArrayList<>();
            for (Future<List<Completion>> f : samples) {
                List<Completion> done = f.get();
                tokens += done.stream().mapToLong(Completion::tokens).sum();
                texts.add(done.stream().map(Completion::text).toList());
            }
            double sampling = (System.nanoTime() - start) / 1e9;
            String embedding = "-";
            if (features != null) {
                long embedStart = System.nanoTime();
                List<Future<float[][]>> rows = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    String prompt = prompts.get(i).text();
                    List<String> completions = texts.get(i);
                    rows.add(pool.submit(() -> features.embed(prompt, completions)));
                }
                for (Future<float[][]> f : rows) {
                    f.get();
                }
                embedding = String.format(Locale.ROOT, "%.3f", (System.nanoTime() - embedStart) / 1e9 / prompts.size());
            }
            System.out.printf(Locale.ROOT, "%-26s %14.0f %16.3f %16s%n", mode, tokens / sampling,
                    sampling / prompts.size(), embedding);
        } finally {
            pool.shutdownNow();
        }
    }
}
