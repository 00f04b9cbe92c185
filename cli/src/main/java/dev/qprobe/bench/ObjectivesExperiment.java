package dev.qprobe.bench;

import dev.qprobe.data.PromptSamples;
import dev.qprobe.data.SampleSet;
import dev.qprobe.dsl.Embed;
import dev.qprobe.dsl.Features;
import dev.qprobe.dsl.Models;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.eval.Compare;
import dev.qprobe.eval.CompareResult;
import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.eval.KlOptimum;
import dev.qprobe.eval.ObjectiveDefaults;
import dev.qprobe.eval.PairedDifference;
import dev.qprobe.eval.TrueKl;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.Tasks;
import dev.qprobe.task.WorkedAdditionTask;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainingListener;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The experiment of issue 14 end to end on the built-in worked-addition task, printing every
 * figure with its interval: the task's base rate, pass@k and spread; the tuning of each objective
 * on held-out train prompts; PG, MSE and CE over seeds with paired differences; the data-limited
 * sweep; the true KL and the KL-regularised optimum. Run:
 * {@code java -cp ... dev.qprobe.bench.ObjectivesExperiment [OUT_DIR] [SEEDS]} (see BENCHMARKS.md).
 */
public final class ObjectivesExperiment {
    static final int KL_SAMPLES = 1000;
    /** Samples per prompt (200: the paper's, and the worked-addition task's default). */
    static int samples = WorkedAdditionTask.SAMPLES_PER_PROMPT;
    /** Test prompts sampled KL_SAMPLES times for the true KL and the optimum. */
    static int klPrompts = 30;

    private ObjectivesExperiment() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "qprobe-out/experiment");
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String taskName = args.length > 2 ? args[2] : "worked-addition";
        samples = args.length > 3 ? Integer.parseInt(args[3]) : samples;
        klPrompts = args.length > 4 ? Integer.parseInt(args[4]) : klPrompts;
        Files.createDirectories(out);
        try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("summary.txt")), true, "UTF-8")) {
            Tee p = new Tee(log);
            Task task = switch (taskName) {
                case "worked-addition" -> WorkedAdditionTask.full();
                case "arithmetic" -> Tasks.arithmetic();
                // A quick look: 100 train and 50 test prompts of the same task.
                case "arithmetic-small" -> dev.qprobe.task.ArithmeticTask.create(100, 50, 1);
                default -> throw new IllegalArgumentException("task must be worked-addition, arithmetic or arithmetic-small,"
                        + " got " + taskName);
            };
            run(task, out, seeds, p);
        }
    }

    /** Prints to the console and the summary file. */
    record Tee(PrintStream file) {
        void line(String format, Object... args) {
            String s = String.format(Locale.ROOT, format, args);
            System.out.println(s);
            file.println(s);
        }
    }

    static void run(Task task, Path out, int seeds, Tee p) throws IOException {
        p.line("%s, %d cores, load average %s", java.time.Instant.now(), Runtime.getRuntime().availableProcessors(),
                loadAverage());
        long t0 = System.nanoTime();
        Features features = QProbe.task(task).model(Models.builtin()).sample(samples, 0.8).embed(Embed.hidden(-1));
        p.line("sampled and embedded %d + %d prompts x %d in %.1f s (%s)", task.trainPrompts().size(),
                task.testPrompts().size(), samples, (System.nanoTime() - t0) / 1e9, features);
        SampleSet train = features.train();
        SampleSet test = features.test();
        describeTask(test, p);

        // Each stage prints what it found; a failure in one is reported and the next still runs.
        // 1. Defaults from held-out TRAIN prompts only.
        t0 = System.nanoTime();
        ObjectiveDefaults.Tuning tuning = ObjectiveDefaults.tune(train, 48, 0);
        p.line("%n== tuning on held-out train prompts (%.0f s) ==%n%s", (System.nanoTime() - t0) / 1e9, tuning.report());

        stage("objectives over seeds", p, () -> compare(train, test, tuning, seeds, out, p));
        stage("data-limited sweep", p, () -> sweep(train, test, tuning, seeds, out, p));
        stage("true KL and the optimum", p, () -> trueKl(task, features, tuning, p, out));
        p.line("%n%s, load average %s", java.time.Instant.now(), loadAverage());
    }

    /** The ks that the samples per prompt allow. */
    static int[] upTo(int... ks) {
        return Arrays.stream(ks).filter(k -> k <= samples).toArray();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    interface Stage {
        void run() throws IOException;
    }

    static void stage(String name, Tee p, Stage stage) {
        try {
            stage.run();
        } catch (IOException | RuntimeException e) {
            p.line("%n!! %s failed: %s", name, e);
            e.printStackTrace();
        }
    }

    static void compare(SampleSet train, SampleSet test, ObjectiveDefaults.Tuning tuning, int seeds, Path out, Tee p)
            throws IOException {
        // 2. Objectives over seeds on the standard split, paired.
        long t0 = System.nanoTime();
        Compare compare = Compare.of(train, test).seeds(seeds)
                .grid(EvaluationGrid.defaults().withKs(upTo(1, 2, 4, 8, 16, 32, 48, 100, 200)).withBetas(0, 0.1, 1)
                        .withRepeats(1));
        for (ObjectiveDefaults.Choice c : tuning.choices()) {
            compare = compare.arm(c.label(), c.objective(), c.config());
        }
        compare = compare.arm("PG (paper settings)", ObjectiveDefaults.paperPg(), dev.qprobe.train.TrainerConfig.paper());
        CompareResult main = compare.run();
        p.line("%n== %d seeds, %d train / %d test prompts x %d (%.0f s) ==", seeds, train.promptCount(), test.promptCount(),
                samples,
                (System.nanoTime() - t0) / 1e9);
        p.line("%s", main.table().where(main.table().doubleColumn("beta").isEqualTo(0)
                .or(main.table().stringColumn("method").isIn("base", "oracle"))).printAll());
        for (double beta : new double[] {0, 0.1}) {
            for (PairedDifference d : main.differences(beta)) {
                p.line("  %s", d.inWords());
            }
        }
        for (String label : main.labels()) {
            TrainingResult first = main.training(label).get(0);
            dev.qprobe.eval.Estimate order = pairOrder(first.probe().scores(test), test);
            p.line("  %-20s seed 0: right above wrong within a test prompt %.3f [%.3f, %.3f]; final loss %.4f",
                    label, order.value(), order.low(), order.high(), first.finalLoss());
        }
        main.table().write().csv(out.resolve("compare.csv").toString());
        dev.qprobe.report.Charts.pairedDifferences(main, 0).savePng(out.resolve("paired-differences.png"));
        main.differenceTable().write().csv(out.resolve("paired-differences.csv").toString());
        for (String label : main.labels()) {
            for (TrainingResult t : main.training(label)) {
                t.convergenceWarning().ifPresent(w -> p.line("  warning: %s", w));
            }
        }

    }

    static void sweep(SampleSet train, SampleSet test, ObjectiveDefaults.Tuning tuning, int seeds, Path out, Tee p)
            throws IOException {
        // 3. Data-limited sweep, the same test prompts, 5 seeds per size.
        p.line("%n== data-limited sweep (paired over %d seeds, k = 48, argmax) ==", seeds);
        List<String> rows = new ArrayList<>();
        rows.add("train_prompts,a,b,k,difference,ci_low,ci_high,excludes_zero,reward_a,reward_b");
        for (int n : Arrays.stream(new int[] {10, 25, 50, 100, 200, 400}).filter(n -> n <= train.promptCount()).toArray()) {
            SampleSet sub = train.samplePrompts(n, 0);
            Compare c = Compare.of(sub, test).seeds(seeds)
                    .grid(EvaluationGrid.defaults().withKs(1, 4, 16, 48).withBetas(0).withRepeats(1));
            for (ObjectiveDefaults.Choice choice : tuning.choices()) {
                c = c.arm(choice.label(), choice.objective(), choice.config());
            }
            CompareResult r = c.run();
            for (PairedDifference d : r.differences(0)) {
                if (d.k() == 48 || d.k() == 16) {
                    p.line("  n = %3d: %s", n, d.inWords());
                }
                rows.add(String.format(Locale.ROOT, "%d,%s,%s,%d,%.4f,%.4f,%.4f,%s,%.4f,%.4f", n, d.a(), d.b(), d.k(),
                        d.difference().value(), d.difference().low(), d.difference().high(), d.excludesZero(),
                        r.reward(d.a(), d.k(), 0).value(), r.reward(d.b(), d.k(), 0).value()));
            }
        }
        Files.write(out.resolve("sweep.csv"), rows);
    }

    static void describeTask(SampleSet test, Tee p) {
        double[] rate = new double[test.promptCount()];
        for (int q = 0; q < rate.length; q++) {
            int[] rows = test.rowsOfPrompt(q);
            for (int r : rows) {
                rate[q] += test.reward(r) / rows.length;
            }
        }
        EvaluationResult ref = Evaluation.evaluate("zero", test, new double[test.size()],
                EvaluationGrid.defaults().withKs(upTo(1, 4, 16, 48, 100, 200)).withBetas(0));
        double[] sorted = rate.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(rate).average().orElse(0);
        double sd = Math.sqrt(Arrays.stream(rate).map(r -> (r - mean) * (r - mean)).sum() / rate.length);
        StringBuilder pass = new StringBuilder();
        for (int k : ref.grid().ks()) {
            pass.append(String.format(Locale.ROOT, ", pass@%d %s", k, ref.oracle(k)));
        }
        p.line("test prompts: base %s%s", ref.base(), pass);
        p.line("per-prompt base rate: sd %.3f; min %.3f, 10%% %.3f, 25%% %.3f, median %.3f, 75%% %.3f, 90%% %.3f, max %.3f;"
                        + " %d of %d prompts never right in %d samples", sd, sorted[0], sorted[rate.length / 10],
                sorted[rate.length / 4], sorted[rate.length / 2], sorted[rate.length * 3 / 4], sorted[rate.length * 9 / 10],
                sorted[rate.length - 1], Arrays.stream(rate).filter(r -> r == 0).count(), rate.length, samples);
    }

    static void trueKl(Task task, Features features, ObjectiveDefaults.Tuning tuning, Tee p, Path out)
            throws IOException {
        List<Prompt> prompts = task.testPrompts().subList(0, klPrompts);
        long t0 = System.nanoTime();
        SamplingConfig config = SamplingConfig.of(KL_SAMPLES).withSeed(1);
        var klFeatures = QProbe.task(dev.qprobe.task.Tasks.of("worked-addition-kl", task.trainPrompts().subList(0, 1),
                        prompts, task::reward)).model(Models.builtin()).sample(config).embed(Embed.hidden(-1));
        SampleSet set = klFeatures.test();
        double[] logPi0 = new double[set.size()];
        int patched = 0;
        try (BuiltinModel model = BuiltinModel.load()) {
            List<PromptSamples> drawn = klFeatures.samples().test();
            for (int q = 0; q < set.promptCount(); q++) {
                String id = set.promptIds().get(q);
                int at = -1;
                for (int j = 0; j < prompts.size(); j++) {
                    if (prompts.get(j).id().equals(id)) {
                        at = j;
                    }
                }
                List<Completion> cs = drawn.get(at).completions();
                int[] rows = set.rowsOfPrompt(q);
                List<String> texts = new ArrayList<>();
                List<Boolean> stopped = new ArrayList<>();
                for (int i = 0; i < cs.size(); i++) {
                    if (!cs.get(i).text().equals(set.completion(rows[i]))) {
                        throw new IllegalStateException("sample and feature rows of prompt " + id + " differ at " + i);
                    }
                    texts.add(cs.get(i).text());
                    stopped.add(cs.get(i).stopped());
                }
                double[] lp = model.logProbabilities(prompts.get(at).text(), texts, stopped, config);
                double[] untruncated = null;
                for (int i = 0; i < rows.length; i++) {
                    if (!Double.isFinite(lp[i])) {
                        // A token at the nucleus edge that rounding moved out: use the tempered probability uncut.
                        if (untruncated == null) {
                            untruncated = model.logProbabilities(prompts.get(at).text(), texts, stopped,
                                    config.withTopP(1.0));
                        }
                        lp[i] = untruncated[i];
                        patched++;
                    }
                    logPi0[rows[i]] = lp[i];
                }
            }
        }
        if (patched > 0) {
            p.line("  note: %d of %d samples fell just outside the recomputed nucleus; their log pi0 is untruncated",
                    patched, set.size());
        }
        p.line("%n== true KL and the optimum: %d test prompts x %d samples (%.0f s) ==", prompts.size(), KL_SAMPLES,
                (System.nanoTime() - t0) / 1e9);
        int[] ks = {1, 2, 4, 8, 16, 48, 200, 1000};
        double[] betas = {0, 0.1, 1};
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(ks).withBetas(betas).withRepeats(1);
        List<String> rows = new ArrayList<>();
        rows.add("method,k,beta,reward,ci_low,ci_high,selection_kl_bound,true_kl,true_kl_low,true_kl_high");
        for (ObjectiveDefaults.Choice c : tuning.choices()) {
            TrainingResult t = new Trainer(c.config()).train(features.train(), ProbeSpec.linear(), c.objective(),
                    TrainingListener.NONE);
            double[] scores = toDouble(t.probe().scores(set));
            EvaluationResult r = Evaluation.evaluate(c.label(), set, scores, grid);
            Estimate[][] kl = TrueKl.estimate(set, scores, logPi0, grid);
            for (int bi = 0; bi < betas.length; bi++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-4s beta %-4s", c.label(), betas[bi]));
                for (int ki = 0; ki < ks.length; ki++) {
                    Estimate e = r.reward(ks[ki], betas[bi]);
                    line.append(String.format(Locale.ROOT, " | k=%d %.3f KL %.2f (bound %.2f)", ks[ki], e.value(),
                            kl[ki][bi].value(), r.selectionKlBound(ks[ki], betas[bi])));
                    rows.add(String.format(Locale.ROOT, "%s,%d,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f", c.label(), ks[ki],
                            betas[bi], e.value(), e.low(), e.high(), r.selectionKlBound(ks[ki], betas[bi]), kl[ki][bi].value(),
                            kl[ki][bi].low(), kl[ki][bi].high()));
                }
                p.line("%s", line);
                if (betas[bi] > 0) {
                    KlOptimum opt = KlOptimum.estimate(set, scores, betas[bi], 1000, 5);
                    p.line("  %-4s beta %-4s optimum pi* ~ pi0 exp(Q/beta): E[r] %s, KL(pi*||pi0) %s, ESS %.0f of %d;"
                                    + " selection at k = 1000 reaches %s", c.label(), betas[bi], opt.reward(), opt.kl(),
                            opt.effectiveSize(), KL_SAMPLES, r.reward(1000, betas[bi]));
                }
            }
        }
        Files.write(out.resolve("true-kl.csv"), rows);
    }

    /** Mean over test prompts with both kinds of the share of (right, wrong) pairs that Q orders right first. */
    /**
     * How often, within a prompt, the probe scores a right completion above a wrong one: the mean
     * over prompts that have both, with a 95% bootstrap CI over those prompts.
     */
    static dev.qprobe.eval.Estimate pairOrder(float[] q, SampleSet set) {
        List<Double> perPrompt = new ArrayList<>();
        for (int p = 0; p < set.promptCount(); p++) {
            long good = 0;
            long pairs = 0;
            for (int i : set.rowsOfPrompt(p)) {
                for (int j : set.rowsOfPrompt(p)) {
                    if (set.reward(i) > set.reward(j)) {
                        pairs++;
                        good += q[i] > q[j] ? 1 : 0;
                    }
                }
            }
            if (pairs > 0) {
                perPrompt.add((double) good / pairs);
            }
        }
        return dev.qprobe.eval.Evaluation.bootstrapMean(perPrompt.stream().mapToDouble(Double::doubleValue).toArray(),
                1000, 0);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
