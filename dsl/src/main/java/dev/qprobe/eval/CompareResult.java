package dev.qprobe.eval;

import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What {@link Compare} found: each arm's reward averaged over seeds, and the paired differences
 * between arms, per (k, beta), with 95% bootstrap intervals over test prompts.
 */
public final class CompareResult {
    private final List<String> labels;
    private final EvaluationGrid grid;
    private final int seeds;
    /** [arm][k][beta][prompt], averaged over seeds. */
    private final double[][][][] perPrompt;
    private final EvaluationResult reference;
    private final Map<String, List<TrainingResult>> training;

    private CompareResult(List<String> labels, EvaluationGrid grid, int seeds, double[][][][] perPrompt,
                          EvaluationResult reference, Map<String, List<TrainingResult>> training) {
        this.labels = List.copyOf(labels);
        this.grid = grid;
        this.seeds = seeds;
        this.perPrompt = perPrompt;
        this.reference = reference;
        this.training = Map.copyOf(training);
    }

    static CompareResult of(List<String> labels, EvaluationGrid grid, int seeds, double[][][][] perPrompt,
                            EvaluationResult reference, Map<String, List<TrainingResult>> training) {
        return new CompareResult(labels, grid, seeds, perPrompt, reference, training);
    }

    /**
     * Built from per-prompt values already averaged over seeds, {@code [arm][k][beta][prompt]}:
     * for comparing results computed elsewhere. The base and oracle come from {@code reference}.
     */
    public static CompareResult ofValues(List<String> labels, EvaluationGrid grid, int seeds,
                                         double[][][][] perPrompt, EvaluationResult reference) {
        if (labels.size() != perPrompt.length) {
            throw new IllegalArgumentException(labels.size() + " labels for " + perPrompt.length + " arms");
        }
        return new CompareResult(labels, grid, seeds, perPrompt, reference, Map.of());
    }

    public List<String> labels() {
        return labels;
    }

    public EvaluationGrid grid() {
        return grid;
    }

    public int seeds() {
        return seeds;
    }

    /** Each arm's trained probes, one per seed. */
    public List<TrainingResult> training(String label) {
        List<TrainingResult> t = training.get(label);
        if (t == null) {
            throw new IllegalArgumentException("no arm '" + label + "'; arms: " + labels);
        }
        return t;
    }

    /** The base rate of the test prompts, with its 95% interval. */
    public Estimate base() {
        return reference.base();
    }

    /** The oracle best-of-k of the test prompts, with its 95% interval. */
    public Estimate oracle(int k) {
        return reference.oracle(k);
    }

    /** An arm's expected reward at (k, beta), averaged over seeds, with a 95% bootstrap interval over prompts. */
    public Estimate reward(String label, int k, double beta) {
        double[] v = values(arm(label), k, beta);
        return Evaluation.bootstrapMean(v, grid.bootstrapSamples(), Compare.bootstrapSeed(grid, kIndex(k), bIndex(beta)));
    }

    /** The seed-averaged value of each test prompt for an arm at (k, beta). */
    public double[] perPrompt(String label, int k, double beta) {
        return values(arm(label), k, beta).clone();
    }

    /** The paired difference {@code a - b} at (k, beta). */
    public PairedDifference difference(String a, String b, int k, double beta) {
        Estimate d = Compare.pairedDifference(values(arm(a), k, beta), values(arm(b), k, beta),
                grid.bootstrapSamples(), Compare.bootstrapSeed(grid, kIndex(k), bIndex(beta)));
        return new PairedDifference(a, b, k, beta, d);
    }

    /** Every pair (in the order the arms were added: first - second, ...) at every k, at {@code beta}. */
    public List<PairedDifference> differences(double beta) {
        List<PairedDifference> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            for (int j = i + 1; j < labels.size(); j++) {
                for (int k : grid.ks()) {
                    out.add(difference(labels.get(i), labels.get(j), k, beta));
                }
            }
        }
        return out;
    }

    /** Rewards: method, k, beta, reward, ci_low, ci_high, seeds; then base and oracle rows. */
    public Table table() {
        StringColumn method = StringColumn.create("method");
        IntColumn k = IntColumn.create("k");
        DoubleColumn beta = DoubleColumn.create("beta");
        DoubleColumn reward = DoubleColumn.create("reward");
        DoubleColumn low = DoubleColumn.create("ci_low");
        DoubleColumn high = DoubleColumn.create("ci_high");
        for (String label : labels) {
            for (int kk : grid.ks()) {
                for (double b : grid.betas()) {
                    add(method, k, beta, reward, low, high, label, kk, b, reward(label, kk, b));
                }
            }
        }
        add(method, k, beta, reward, low, high, EvaluationResult.BASE, 1, 0, base());
        for (int kk : grid.ks()) {
            add(method, k, beta, reward, low, high, EvaluationResult.ORACLE, kk, 0, oracle(kk));
        }
        for (DoubleColumn c : List.of(reward, low, high)) {
            c.setPrintFormatter(EvaluationResult.threeDecimals());
        }
        return Table.create("comparison over " + seeds + " seeds", method, k, beta, reward, low, high);
    }

    private static void add(StringColumn method, IntColumn k, DoubleColumn beta, DoubleColumn reward,
                            DoubleColumn low, DoubleColumn high, String label, int kk, double b, Estimate e) {
        method.append(label);
        k.append(kk);
        beta.append(b);
        reward.append(e.value());
        low.append(e.low());
        high.append(e.high());
    }

    /** Paired differences at every beta: a, b, k, beta, difference, ci_low, ci_high, excludes_zero. */
    public Table differenceTable() {
        StringColumn a = StringColumn.create("a");
        StringColumn b = StringColumn.create("b");
        IntColumn k = IntColumn.create("k");
        DoubleColumn beta = DoubleColumn.create("beta");
        DoubleColumn diff = DoubleColumn.create("difference");
        DoubleColumn low = DoubleColumn.create("ci_low");
        DoubleColumn high = DoubleColumn.create("ci_high");
        BooleanColumn excludes = BooleanColumn.create("excludes_zero");
        for (double bt : grid.betas()) {
            for (PairedDifference d : differences(bt)) {
                a.append(d.a());
                b.append(d.b());
                k.append(d.k());
                beta.append(d.beta());
                diff.append(d.difference().value());
                low.append(d.difference().low());
                high.append(d.difference().high());
                excludes.append(d.excludesZero());
            }
        }
        for (DoubleColumn c : List.of(diff, low, high)) {
            c.setPrintFormatter(EvaluationResult.threeDecimals());
        }
        return Table.create("paired differences over " + seeds + " seeds", a, b, k, beta, diff, low, high, excludes);
    }

    /** Every pair's difference at (k, beta), one line each, in words. */
    public String summary(int k, double beta) {
        StringBuilder sb = new StringBuilder();
        for (PairedDifference d : differences(beta)) {
            if (d.k() == k) {
                sb.append(d.inWords()).append('\n');
            }
        }
        return sb.toString();
    }

    private int arm(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("no arm '" + label + "'; arms: " + labels);
        }
        return i;
    }

    private int kIndex(int k) {
        int ki = grid.indexOfK(k);
        if (ki < 0) {
            throw new IllegalArgumentException("k = " + k + " is not on the grid " + Arrays.toString(grid.ks()));
        }
        return ki;
    }

    private int bIndex(double beta) {
        int bi = grid.indexOfBeta(beta);
        if (bi < 0) {
            throw new IllegalArgumentException("beta = " + beta + " is not on the grid " + Arrays.toString(grid.betas()));
        }
        return bi;
    }

    private double[] values(int arm, int k, double beta) {
        return perPrompt[arm][kIndex(k)][bIndex(beta)];
    }

    @Override
    public String toString() {
        return "CompareResult[" + labels + ", " + seeds + " seeds, " + perPrompt[0][0][0].length + " test prompts]";
    }
}
