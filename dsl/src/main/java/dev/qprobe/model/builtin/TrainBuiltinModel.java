package dev.qprobe.model.builtin;

import ai.djl.Device;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.WorkedAdditionTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Re-trains the built-in model: {@code src/bin/qprobe bench train-builtin [OUT_FILE]}. One model
 * learns both built-in tasks from their teachers' completions: the worked-addition task's (outside
 * its prompts and the arithmetic task's) and the arithmetic task's, mixed in one corpus. Everything
 * is seeded, so the same code gives the same weights. Ends with a report on each task's test
 * prompts: success rate, pass@k, and how the success rate spreads over prompts and carries.
 *
 * <p>{@code -Dqprobe.trainSteps=N} trains for N steps instead of {@link GptTraining.Settings#builtin()}
 * (for a quick look at a change).
 */
public final class TrainBuiltinModel {
    /** Corpus lines of the worked-addition task; training draws batches from all lines. */
    static final int WORKED_CORPUS_LINES = 200_000;
    /** Corpus lines of the arithmetic task. */
    static final int ARITHMETIC_CORPUS_LINES = 100_000;
    /** Samples per test prompt in the report. */
    static final int REPORT_SAMPLES = 200;

    private TrainBuiltinModel() {
    }

    public static void main(String[] args) throws IOException {
        // The launcher passes the checkout's root, so the default lands in the source tree.
        Path root = Path.of(System.getProperty("qprobe.root", "."));
        Path out = args.length > 0 ? Path.of(args[0]) : root.resolve("dsl/src/main/resources" + BuiltinModel.RESOURCE);
        ArithmeticTask arithmetic = ArithmeticTask.standard();
        WorkedAdditionTask worked = WorkedAdditionTask.full();
        Set<String> exclude = new HashSet<>();
        arithmetic.trainPrompts().forEach(p -> exclude.add(p.text()));
        arithmetic.testPrompts().forEach(p -> exclude.add(p.text()));
        List<String> corpus = new ArrayList<>(worked.corpus(WORKED_CORPUS_LINES, 7, exclude));
        corpus.addAll(arithmetic.corpus(ARITHMETIC_CORPUS_LINES, 7));
        GptConfig config = GptConfig.builtin();
        GptTraining.Settings chosen = GptTraining.Settings.builtin();
        int steps = Integer.getInteger("qprobe.trainSteps", chosen.steps());
        GptTraining.Settings settings = new GptTraining.Settings(steps, chosen.batchSize(), chosen.learningRate(),
                chosen.weightDecay(), chosen.warmup(), chosen.seed());
        System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %,d lines of %s and %s, %s%n", config,
                config.parameterCount(), corpus.size(), worked.name(), arithmetic.name(), settings);
        long start = System.nanoTime();
        GptWeights weights = GptTraining.train(corpus, config, settings, Device.cpu(),
                (step, n, loss, tps) -> System.out.printf(Locale.ROOT, "step %5d/%d  loss %.4f  %,.0f tokens/s%n",
                        step, n, loss, tps));
        weights.write(out);
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes, sha256 %s) after %.1f min%n", out,
                weights.toBytes().length, weights.digest().substring(0, 12), (System.nanoTime() - start) / 6e10);
        report(weights, worked, worked.maxCompletionChars());
        report(weights, arithmetic, 48);
    }

    /** Success rate at temperature 0.8 / top-p 0.95 on the test prompts: overall, pass@k, spread, by carries. */
    static void report(GptWeights weights, Task task, int maxTokens) {
        List<Prompt> prompts = task.testPrompts();
        int n = REPORT_SAMPLES;
        double[] rate = new double[prompts.size()];
        int[] right = new int[prompts.size()];
        double[][] byCarries = new double[8][2];
        int worked = 0;
        try (BuiltinModel model = BuiltinModel.of(weights, Device.cpu())) {
            SamplingConfig sampling = SamplingConfig.of(n).withMaxTokens(maxTokens);
            for (int i = 0; i < prompts.size(); i++) {
                Prompt p = prompts.get(i);
                for (Completion c : model.sample(p.text(), sampling)) {
                    right[i] += (int) task.reward(p, c.text());
                    worked += WorkedAdditionTask.isWorked(c.text()) ? 1 : 0;
                }
                rate[i] = (double) right[i] / n;
                String[] ab = p.text().substring(0, p.text().length() - 1).split("\\+");  // both tasks: a+b=
                int carries = WorkedAdditionTask.carries(Integer.parseInt(ab[0]), Integer.parseInt(ab[1]));
                byCarries[carries][0]++;
                byCarries[carries][1] += rate[i];
            }
        }
        double base = Arrays.stream(rate).average().orElse(0);
        System.out.printf(Locale.ROOT, "%s test prompts: %d x %d samples at T = 0.8, top-p 0.95: success %.3f, %.1f%% worked form%n",
                task.name(), prompts.size(), n, base, 100.0 * worked / (prompts.size() * n));
        StringBuilder pass = new StringBuilder("pass@k:");
        for (int k : new int[] {1, 4, 16, 32, 48, 100, 200}) {
            double sum = 0;
            for (int i = 0; i < rate.length; i++) {
                sum += passAtK(n, right[i], k);
            }
            pass.append(String.format(Locale.ROOT, "  k=%d %.3f", k, sum / rate.length));
        }
        System.out.println(pass);
        double[] sorted = rate.clone();
        Arrays.sort(sorted);
        double sd = Math.sqrt(Arrays.stream(rate).map(r -> (r - base) * (r - base)).sum() / rate.length);
        System.out.printf(Locale.ROOT, "per-prompt success: sd %.3f, min %.3f, 10%% %.3f, median %.3f, 90%% %.3f, max %.3f;"
                        + " %d of %d prompts never right%n", sd, sorted[0], sorted[sorted.length / 10],
                sorted[sorted.length / 2], sorted[sorted.length * 9 / 10], sorted[sorted.length - 1],
                Arrays.stream(right).filter(r -> r == 0).count(), rate.length);
        for (int c = 0; c < byCarries.length; c++) {
            if (byCarries[c][0] > 0) {
                System.out.printf(Locale.ROOT, "  %d carries: %3.0f prompts, success %.3f%n", c, byCarries[c][0],
                        byCarries[c][1] / byCarries[c][0]);
            }
        }
    }

    /** 1 - C(n-c, k) / C(n, k): the chance that k of n samples without replacement include a right one. */
    static double passAtK(int n, int c, int k) {
        if (n - c < k) {
            return 1;
        }
        double miss = 1;
        for (int i = 0; i < k; i++) {
            miss *= (double) (n - c - i) / (n - i);
        }
        return 1 - miss;
    }
}
