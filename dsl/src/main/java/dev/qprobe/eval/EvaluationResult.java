package dev.qprobe.eval;

import java.text.NumberFormat;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * One probe's evaluation on a held-out set: its reward and selection KL bound at every (k, beta) of the grid,
 * next to the base rate and the oracle best-of-k. Immutable.
 *
 * <p>{@link #table()} gives the long format used for plots and comparisons, one row per
 * (method, k, beta), with columns:
 * <ul>
 *   <li>{@code method} (string): the probe's label, {@value #BASE} or {@value #ORACLE};</li>
 *   <li>{@code k} (int): the chunk size; the base row has k = 1, which is what the base rate is;</li>
 *   <li>{@code beta} (double): the temperature; <em>missing</em> for base and oracle rows, which
 *       do not depend on it (Tablesaw stores a missing double as NaN);</li>
 *   <li>{@code reward}, {@code ci_low}, {@code ci_high} (double): the mean over prompts and its
 *       95% bootstrap interval (missing when the grid asked for no bootstrap samples);</li>
 *   <li>{@code selection_kl_bound} (double): the selection KL bound, the mean KL of the selection
 *       distribution over the k indices from uniform (an upper bound on the true KL(pi_k || pi0),
 *       see {@link TrueKl}); missing for base and oracle rows.</li>
 * </ul>
 * The double columns print with 3 decimals ({@link #threeDecimals()}); their values and the CSV
 * that Tablesaw writes keep full precision.
 */
public final class EvaluationResult {
    /** The method name of the base-rate row. */
    public static final String BASE = "base";
    /**
     * The table column of the selection KL bound: KL(selection || uniform over the k indices), an
     * upper bound on the true KL(pi_k || pi0) (see {@link TrueKl}).
     */
    public static final String KL_BOUND_COLUMN = "selection_kl_bound";
    /** The method name of the oracle best-of-k rows. */
    public static final String ORACLE = "oracle";

    private final String label;
    private final EvaluationGrid grid;
    private final int promptCount;
    /** Indexed by k position * number of betas + beta position. */
    private final Estimate[] reward;
    private final double[] kl;
    private final Estimate base;
    /** Indexed by k position. */
    private final Estimate[] oracle;

    EvaluationResult(String label, EvaluationGrid grid, int promptCount, Estimate[] reward, double[] kl,
                     Estimate base, Estimate[] oracle) {
        this.label = label;
        this.grid = grid;
        this.promptCount = promptCount;
        this.reward = reward;
        this.kl = kl;
        this.base = base;
        this.oracle = oracle;
    }

    /** The probe's label, its {@code method} in the table. */
    public String label() {
        return label;
    }

    public EvaluationGrid grid() {
        return grid;
    }

    /** The number of held-out prompts averaged over. */
    public int promptCount() {
        return promptCount;
    }

    /**
     * The probe's expected reward at chunk size k and temperature beta.
     *
     * @throws IllegalArgumentException if (k, beta) is not on the grid
     */
    public Estimate reward(int k, double beta) {
        return reward[cell(k, beta)];
    }

    /**
     * The selection KL bound at (k, beta): the mean KL of the probe's selection distribution over
     * the k indices from uniform, between 0 and log k. It bounds the true KL(pi_k || pi0) from
     * above and exceeds it when the base model repeats completions ({@link TrueKl} estimates that).
     */
    public double selectionKlBound(int k, double beta) {
        return kl[cell(k, beta)];
    }

    /** The mean reward of the base model's samples (per prompt, then over prompts). */
    public Estimate base() {
        return base;
    }

    /**
     * The oracle: expected best reward among k samples (pass@k for 0/1 rewards).
     *
     * @throws IllegalArgumentException if k is not on the grid
     */
    public Estimate oracle(int k) {
        return oracle[kIndex(k)];
    }

    private int cell(int k, double beta) {
        int ki = kIndex(k);
        int bi = grid.indexOfBeta(beta);
        if (bi < 0) {
            throw new IllegalArgumentException("beta = " + beta + " is not on the grid "
                    + Arrays.toString(grid.betas()));
        }
        return ki * grid.betas().length + bi;
    }

    private int kIndex(int k) {
        int ki = grid.indexOfK(k);
        if (ki < 0) {
            throw new IllegalArgumentException("k = " + k + " is not on the grid " + Arrays.toString(grid.ks()));
        }
        return ki;
    }

    /** The long-format table of this result (see the class comment). */
    public Table table() {
        return combine(List.of(this));
    }

    /** {@link #combine(List)} of the given results. */
    public static Table combine(EvaluationResult... results) {
        return combine(List.of(results));
    }

    /**
     * One long-format table comparing several probes evaluated on the same held-out set: every
     * probe's rows, then the base row and the oracle rows once (for the union of their k values).
     * Reference rows are taken from the first result that has them.
     *
     * @throws IllegalArgumentException if there are no results, two share a label, or they were
     *                                  evaluated on different sets (different prompt counts or base rates)
     */
    public static Table combine(List<EvaluationResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine: no results");
        }
        EvaluationResult first = results.get(0);
        Set<String> labels = new HashSet<>();
        TreeMap<Integer, Estimate> oracles = new TreeMap<>();
        for (EvaluationResult result : results) {
            if (!labels.add(result.label)) {
                throw new IllegalArgumentException("two results are labelled '" + result.label
                        + "'; give each probe its own label");
            }
            // The base rate does not depend on the probe or the seed, only on the held-out set.
            if (result.promptCount != first.promptCount || result.base.value() != first.base.value()) {
                throw new IllegalArgumentException("results come from different held-out sets: '" + first.label
                        + "' has base rate " + first.base.value() + " over " + first.promptCount + " prompts, '"
                        + result.label + "' " + result.base.value() + " over " + result.promptCount);
            }
            int[] ks = result.grid.ks();
            for (int ki = 0; ki < ks.length; ki++) {
                oracles.putIfAbsent(ks[ki], result.oracle[ki]);
            }
        }

        StringColumn method = StringColumn.create("method");
        IntColumn k = IntColumn.create("k");
        DoubleColumn beta = DoubleColumn.create("beta");
        DoubleColumn reward = DoubleColumn.create("reward");
        DoubleColumn low = DoubleColumn.create("ci_low");
        DoubleColumn high = DoubleColumn.create("ci_high");
        DoubleColumn kl = DoubleColumn.create(KL_BOUND_COLUMN);
        for (EvaluationResult result : results) {
            int[] ks = result.grid.ks();
            double[] betas = result.grid.betas();
            for (int ki = 0; ki < ks.length; ki++) {
                for (int bi = 0; bi < betas.length; bi++) {
                    int cell = ki * betas.length + bi;
                    Estimate e = result.reward[cell];
                    method.append(result.label);
                    k.append(ks[ki]);
                    beta.append(betas[bi]);
                    reward.append(e.value());
                    low.append(e.low());
                    high.append(e.high());
                    kl.append(result.kl[cell]);
                }
            }
        }
        appendReference(BASE, 1, first.base, method, k, beta, reward, low, high, kl);
        oracles.forEach((kk, e) -> appendReference(ORACLE, kk, e, method, k, beta, reward, low, high, kl));
        String name = results.size() == 1 ? "evaluation: " + first.label : "evaluation";
        for (DoubleColumn c : List.of(reward, low, high, kl)) {
            c.setPrintFormatter(threeDecimals());
        }
        return Table.create(name, method, k, beta, reward, low, high, kl);
    }

    /**
     * Shows a number with 3 decimals, whatever the locale; for reading a table in a notebook or a
     * terminal. It changes only how the table prints, not its values or the CSV it writes.
     */
    public static NumberColumnFormatter threeDecimals() {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.ROOT);
        format.setMinimumFractionDigits(3);
        format.setMaximumFractionDigits(3);
        format.setGroupingUsed(false);
        return new NumberColumnFormatter(format, "");
    }

    private static void appendReference(String name, int kValue, Estimate e, StringColumn method, IntColumn k,
                                        DoubleColumn beta, DoubleColumn reward, DoubleColumn low,
                                        DoubleColumn high, DoubleColumn kl) {
        method.append(name);
        k.append(kValue);
        beta.appendMissing();
        reward.append(e.value());
        low.append(e.low());
        high.append(e.high());
        kl.appendMissing();
    }

    /** The base rate, the probe's best grid cell and the oracle at the largest k. */
    @Override
    public String toString() {
        int[] ks = grid.ks();
        double[] betas = grid.betas();
        int best = 0;
        for (int cell = 1; cell < reward.length; cell++) {
            if (reward[cell].value() > reward[best].value()) {
                best = cell;
            }
        }
        return "EvaluationResult['" + label + "' on " + promptCount + " prompts: base " + base
                + "; best k=" + ks[best / betas.length] + " beta=" + betas[best % betas.length] + " "
                + reward[best] + "; oracle@" + ks[ks.length - 1] + " " + oracle[ks.length - 1] + "]";
    }
}
