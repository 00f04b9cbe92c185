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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Re-trains the built-in model: {@code src/bin/qprobe bench train-builtin [OUT_FILE]}. By default
 * ({@code -Dqprobe.trainTask=arithmetic}) on the arithmetic task's teacher completions, as the
 * shipped weights were; with {@code -Dqprobe.trainTask=worked-addition} on the worked-addition
 * task's, outside its prompts and the arithmetic task's. Everything is seeded, so the same code
 * gives the same weights. Ends with a report on the task's test prompts: success rate, pass@k,
 * and how the success rate spreads over prompts (and, for additions, by number of carries).
 *
 * <p>{@code -Dqprobe.trainSteps=N} trains for N steps instead of {@link GptTraining.Settings#builtin()}
 * (for a quick look at a task change); {@code -Dqprobe.trainFrom=FILE} starts from earlier weights
 * (e.g. the arithmetic model, its context widened) instead of seeded random ones.
 */
public final class TrainBuiltinModel {
    /** Corpus lines of the worked-addition task; training draws batches from them. */
    static final int CORPUS_LINES = 200_000;
    /** Corpus lines of the arithmetic task (what the shipped weights were trained on). */
    static final int ARITHMETIC_CORPUS_LINES = 100_000;
    /** Samples per test prompt in the report. */
    static final int REPORT_SAMPLES = 200;

    private TrainBuiltinModel() {
    }

    public static void main(String[] args) throws IOException {
        // The launcher passes the checkout's root, so the default lands in the source tree.
        Path root = Path.of(System.getProperty("qprobe.root", "."));
        Path out = args.length > 0 ? Path.of(args[0]) : root.resolve("dsl/src/main/resources" + BuiltinModel.RESOURCE);
        String which = System.getProperty("qprobe.trainTask", "arithmetic");
        Task task;
        List<String> corpus;
        GptConfig config;
        GptTraining.Settings chosen;
        switch (which) {
            case "arithmetic" -> {
                ArithmeticTask arithmetic = ArithmeticTask.standard();
                task = arithmetic;
                corpus = arithmetic.corpus(ARITHMETIC_CORPUS_LINES, 7);
                config = GptConfig.builtin();
                chosen = GptTraining.Settings.builtin();
            }
            case "worked-addition" -> {
                WorkedAdditionTask worked = WorkedAdditionTask.standard();
                Set<String> exclude = new HashSet<>();
                ArithmeticTask.standard().trainPrompts().forEach(p -> exclude.add(p.text()));
                ArithmeticTask.standard().testPrompts().forEach(p -> exclude.add(p.text()));
                task = worked;
                corpus = worked.corpus(CORPUS_LINES, 7, exclude);
                config = GptConfig.workedAddition();
                chosen = GptTraining.Settings.workedAddition();
            }
            default -> throw new IllegalArgumentException("-Dqprobe.trainTask must be arithmetic or worked-addition, got "
                    + which);
        }
        int steps = Integer.getInteger("qprobe.trainSteps", chosen.steps());
        GptTraining.Settings settings = new GptTraining.Settings(steps, chosen.batchSize(), chosen.learningRate(),
                chosen.weightDecay(), chosen.warmup(), chosen.seed());
        System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %,d lines of %s, %s%n", config,
                config.parameterCount(), corpus.size(), task.name(), settings);
        long start = System.nanoTime();
        String fromFile = System.getProperty("qprobe.trainFrom");
        GptWeights from = null;
        if (fromFile != null) {
            from = widen(GptWeights.read(Path.of(fromFile)), config, settings.seed());
            System.out.printf(Locale.ROOT, "starting from %s (sha256 %s), its context widened to %d%n", fromFile,
                    from.digest().substring(0, 12), config.context());
        }
        GptWeights weights = GptTraining.train(corpus, config, settings, Device.cpu(),
                (step, n, loss, tps) -> System.out.printf(Locale.ROOT, "step %5d/%d  loss %.4f  %,.0f tokens/s%n",
                        step, n, loss, tps), from);
        weights.write(out);
        System.out.printf(Locale.ROOT, "wrote %s (%,d bytes, sha256 %s) after %.1f min%n", out,
                weights.toBytes().length, weights.digest().substring(0, 12), (System.nanoTime() - start) / 6e10);
        report(weights, task, which.equals("worked-addition") ? 52 : 48);
    }

    /**
     * The earlier model's weights in {@code config}'s shape: the same tensors, with position
     * embeddings for the longer context appended (seeded, as {@link GptWeights#initial} draws them).
     * Starting from a model that already adds columns with carries saves training (measured: not
     * enough, in 800 steps, to learn operands of mixed length; see BENCHMARKS.md).
     */
    static GptWeights widen(GptWeights earlier, GptConfig config, long seed) {
        GptConfig old = earlier.config();
        if (old.equals(config)) {
            return earlier;
        }
        if (!old.equals(new GptConfig(config.vocab(), old.context(), config.layers(), config.dModel(), config.heads(),
                config.dFf())) || config.context() < old.context()) {
            throw new IllegalArgumentException("cannot widen " + old + " to " + config + ": only a longer context");
        }
        java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        for (String name : earlier.tensorNames()) {
            tensors.put(name, earlier.tensor(name));
        }
        float[] pos = GptWeights.initial(config, seed).tensor("pos_emb");
        float[] oldPos = earlier.tensor("pos_emb");
        System.arraycopy(oldPos, 0, pos, 0, oldPos.length);
        tensors.put("pos_emb", pos);
        return GptWeights.of(config, tensors);
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
        System.out.printf(Locale.ROOT, "test prompts: %d x %d samples at T = 0.8, top-p 0.95: success %.3f, %.1f%% worked form%n",
                prompts.size(), n, base, 100.0 * worked / (prompts.size() * n));
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
