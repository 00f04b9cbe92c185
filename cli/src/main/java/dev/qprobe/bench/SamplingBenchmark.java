package dev.qprobe.bench;

import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import java.util.List;
import java.util.Locale;

/**
 * Sampling throughput of the built-in model, with and without the KV cache: k = 48 completions
 * per prompt at temperature 0.8, top-p 0.95, over the first test prompts of the arithmetic task.
 * Argument (optional): number of prompts, default 20. {@code contention [SECONDS ROUNDS THREADS]}
 * runs {@link SamplingContentionBenchmark} instead: throughput alone and next to a CPU-bound process.
 */
public final class SamplingBenchmark {
    private SamplingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("contention")) {
            SamplingContentionBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        ArithmeticTask task = ArithmeticTask.standard();
        List<Prompt> chosen = task.testPrompts().subList(0, Math.min(prompts, task.testPrompts().size()));
        SamplingConfig config = SamplingConfig.of(48).withMaxTokens(task.maxCompletionChars());
        try (BuiltinModel model = BuiltinModel.load()) {
            System.out.printf(Locale.ROOT, "%s on %s, %d threads; %d prompts x k = 48%n", model.id(), model.device(),
                    Runtime.getRuntime().availableProcessors(), chosen.size());
            model.generate(chosen.get(0).text(), config, true);  // warm-up
            model.generate(chosen.get(0).text(), config, false);
            for (boolean cache : new boolean[] {true, false}) {
                long tokens = 0;
                long start = System.nanoTime();
                for (Prompt p : chosen) {
                    for (Completion c : model.generate(p.text(), config, cache)) {
                        tokens += c.tokens();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "%-14s %8.1f generated tokens/s  %6.3f s per prompt (48 samples)%n",
                        cache ? "KV cache" : "no cache", tokens / seconds, seconds / chosen.size());
            }
        }
    }
}
