package dev.qprobe.model.builtin;

import ai.djl.Device;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Re-trains the shipped model from scratch: {@code src/bin/qprobe bench train-builtin [OUT_FILE]}. The
 * corpus is the arithmetic task's teacher completions on problems outside its train and test
 * prompts; everything is seeded, so the same code gives the same weights. Ends with a report of
 * the model's success rate on the task's test prompts, by strategy.
 */
public final class TrainBuiltinModel {
    /** Corpus lines; training draws batches from them. */
    static final int CORPUS_LINES = 100_000;

    private TrainBuiltinModel() {
    }

    public static void main(String[] args) throws IOException {
        // The launcher passes the checkout's root, so the default lands in the source tree.
        Path root = Path.of(System.getProperty("qprobe.root", "."));
        Path out = args.length > 0 ? Path.of(args[0]) : root.resolve("dsl/src/main/resources" + BuiltinModel.RESOURCE);
        ArithmeticTask task = ArithmeticTask.standard();
        GptConfig config = GptConfig.builtin();
        GptTraining.Settings settings = GptTraining.Settings.builtin();
        System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %,d lines of %s, %s%n", config,
                config.parameterCount(), CORPUS_LINES, task.name(), settings);
        long start = System.nanoTime();
        GptWeights weights = GptTraining.train(task.corpus(CORPUS_LINES, 7), config, settings, Device.cpu(),
                (step, steps, loss, tps) -> System.out.printf(Locale.ROOT, "step %5d/%d  loss %.4f  %,.0f tokens/s%n",
                        step, steps, loss, tps));
        weights.write(out);
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes, sha256 %s) after %.1f min%n", out,
                weights.toBytes().length, weights.digest().substring(0, 12), (System.nanoTime() - start) / 6e10);
        report(weights, task);
    }

    /** Success rate at temperature 0.8 on the test prompts, overall and by strategy. */
    static void report(GptWeights weights, ArithmeticTask task) {
        Map<ArithmeticTask.Strategy, int[]> byStrategy = new EnumMap<>(ArithmeticTask.Strategy.class);
        int right = 0;
        int total = 0;
        int solved = 0;
        List<Prompt> prompts = task.testPrompts();
        try (BuiltinModel model = BuiltinModel.of(weights, Device.cpu())) {
            SamplingConfig sampling = SamplingConfig.of(48).withMaxTokens(task.maxCompletionChars());
            for (Prompt p : prompts) {
                boolean any = false;
                for (Completion c : model.sample(p.text(), sampling)) {
                    double r = task.reward(p, c.text());
                    int[] counts = byStrategy.computeIfAbsent(ArithmeticTask.Strategy.of(c.text()), s -> new int[2]);
                    counts[0]++;
                    counts[1] += (int) r;
                    right += (int) r;
                    total++;
                    any |= r > 0;
                }
                solved += any ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "test prompts: %d x 48 samples at T = 0.8, top-p 0.95: success %.3f, pass@48 %.3f%n",
                prompts.size(), (double) right / total, (double) solved / prompts.size());
        for (Map.Entry<ArithmeticTask.Strategy, int[]> e : byStrategy.entrySet()) {
            int[] c = e.getValue();
            System.out.printf(Locale.ROOT, "  %-8s %5.1f%% of samples, %5.1f%% right%n",
                    e.getKey(), 100.0 * c[0] / total, 100.0 * c[1] / c[0]);
        }
    }
}
