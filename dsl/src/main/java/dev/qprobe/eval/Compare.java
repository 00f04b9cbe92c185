package dev.qprobe.eval;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingListener;
import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Objectives compared over seeds on one train/test split, with paired tests. For each seed s, every
 * arm trains a probe with {@code config.withSeed(s)} and is evaluated on the grid with seed s, so
 * within a seed all arms select among the same test chunks. For each prompt the arms' values are
 * averaged over seeds; a pair's difference is the mean over prompts of the per-prompt differences,
 * with a 95% percentile bootstrap interval over prompts (prompts are the unit that varies
 * between experiments; seeds are averaged within them).
 * <pre>{@code
 * CompareResult c = Compare.of(train, test)
 *         .arm("PG", Objective.PG, TrainerConfig.defaults())
 *         .arm("MSE", Objective.MSE, TrainerConfig.defaults())
 *         .seeds(5).run();
 * c.differences(0).forEach(d -> System.out.println(d.inWords()));
 * }</pre>
 */
public final class Compare {
    /** One contender: a label, an objective and its training settings. */
    public record Arm(String label, Objective objective, TrainerConfig config) {
        public Arm {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("an arm needs a non-blank label");
            }
            Objects.requireNonNull(objective, "objective");
            Objects.requireNonNull(config, "config");
        }
    }

    private final SampleSet train;
    private final SampleSet test;
    private final List<Arm> arms;
    private final int seeds;
    private final ProbeSpec spec;
    private final EvaluationGrid grid;

    private Compare(SampleSet train, SampleSet test, List<Arm> arms, int seeds, ProbeSpec spec, EvaluationGrid grid) {
        this.train = train;
        this.test = test;
        this.arms = List.copyOf(arms);
        this.seeds = seeds;
        this.spec = spec;
        this.grid = grid;
    }

    /** A comparison on this split: 5 seeds, linear probes, k = 1, 2, 4, ... up to the test prompts' candidates, beta 0. */
    public static Compare of(SampleSet train, SampleSet test) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        int fewest = Integer.MAX_VALUE;
        for (int p = 0; p < test.promptCount(); p++) {
            fewest = Math.min(fewest, test.rowsOfPrompt(p).length);
        }
        if (test.promptCount() == 0) {
            throw new IllegalArgumentException("the test set is empty: nothing to compare on");
        }
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(EvaluationGrid.ksFor(fewest))
                .withBetas(0).withRepeats(1);
        return new Compare(train, test, List.of(), 5, ProbeSpec.linear(), grid);
    }

    /** Adds a contender. */
    public Compare arm(String label, Objective objective, TrainerConfig config) {
        for (Arm a : arms) {
            if (a.label().equals(label)) {
                throw new IllegalArgumentException("two arms are labelled '" + label + "'");
            }
        }
        List<Arm> more = new ArrayList<>(arms);
        more.add(new Arm(label, objective, config));
        return new Compare(train, test, more, seeds, spec, grid);
    }

    /** Seeds 0 .. count-1 (at least 1; 5 or more for a claim). */
    public Compare seeds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one seed, got " + count);
        }
        return new Compare(train, test, arms, count, spec, grid);
    }

    /** The probe architecture every arm trains. */
    public Compare spec(ProbeSpec s) {
        return new Compare(train, test, arms, seeds, Objects.requireNonNull(s, "spec"), grid);
    }

    /** The evaluation grid (k, beta, repeats, bootstrap samples); its seed is replaced by each run's seed. */
    public Compare grid(EvaluationGrid g) {
        return new Compare(train, test, arms, seeds, spec, Objects.requireNonNull(g, "grid"));
    }

    /**
     * Trains every arm on every seed and evaluates them.
     *
     * @throws IllegalArgumentException with fewer than two arms, or as training and evaluation do
     */
    public CompareResult run() {
        if (arms.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two arms, got " + arms.size());
        }
        int nk = grid.ks().length;
        int nb = grid.betas().length;
        int prompts = test.promptCount();
        // perPrompt[arm][k][beta][prompt]: the arm's value averaged over seeds.
        double[][][][] perPrompt = new double[arms.size()][nk][nb][prompts];
        Map<String, List<TrainingResult>> training = new LinkedHashMap<>();
        for (int s = 0; s < seeds; s++) {
            EvaluationGrid seeded = grid.withSeed(s);
            for (int a = 0; a < arms.size(); a++) {
                Arm arm = arms.get(a);
                TrainingResult t = new Trainer(arm.config().withSeed(s)).train(train, spec, arm.objective(),
                        TrainingListener.NONE);
                training.computeIfAbsent(arm.label(), x -> new ArrayList<>()).add(t);
                double[][][] v = Evaluation.rewardsPerPrompt(test, toDouble(t.probe().scores(test)), seeded);
                for (int ki = 0; ki < nk; ki++) {
                    for (int bi = 0; bi < nb; bi++) {
                        for (int p = 0; p < prompts; p++) {
                            perPrompt[a][ki][bi][p] += v[ki][bi][p] / seeds;
                        }
                    }
                }
            }
        }
        List<String> labels = arms.stream().map(Arm::label).toList();
        return CompareResult.of(labels, grid, seeds, perPrompt, Evaluation.evaluate("reference", test,
                new double[test.size()], grid.withBetas(0)), training);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * The mean over prompts of {@code a[p] - b[p]} with a 95% percentile bootstrap interval over
     * prompts ({@code samples} resamples, seeded): the paired test on per-prompt values.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static Estimate pairedDifference(double[] a, double[] b, int samples, long seed) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired values must have one entry per prompt each; got " + a.length
                    + " and " + b.length);
        }
        double[] d = new double[a.length];
        for (int p = 0; p < d.length; p++) {
            d[p] = a[p] - b[p];
        }
        return Evaluation.bootstrapMean(d, samples, seed);
    }

    /** A seeded stream for {@link CompareResult}'s bootstraps. */
    static long bootstrapSeed(EvaluationGrid grid, int ki, int bi) {
        return new SplittableRandom(grid.seed() * 1_000_003L + ki * 131L + bi).nextLong();
    }
}
