package dev.qprobe.eval;

import dev.qprobe.data.SampleSet;
import dev.qprobe.select.Selection;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The Q-probe evaluation protocol on a held-out {@link SampleSet}, given one probe score per row.
 *
 * <p>For each prompt with n samples and each repeat: shuffle the samples (seeded), cut them into
 * floor(n / k) chunks of k (the remainder is dropped), select within each chunk by
 * softmax(Q / beta) (argmax for beta = 0), and take the expected reward sum_i p_i r_i. The
 * prompt's value is the mean over chunks and repeats; the reported reward is the mean over
 * prompts, so every prompt counts equally whatever its n. The same holds for the KL of the
 * selection distribution from uniform, and for the two references:
 * <ul>
 *   <li><b>base</b>: the mean reward of pi0's samples of each prompt, averaged over prompts
 *       (the k = 1 rate);</li>
 *   <li><b>oracle</b>: the expected best reward among k samples drawn without replacement,
 *       {@link #bestOfK(double[], int)} (pass@k for 0/1 rewards), averaged over prompts.</li>
 * </ul>
 * 95% intervals come from a percentile bootstrap over prompts: the per-prompt values are computed
 * once and their means resampled; every method and cell shares the same resampled prompt sets.
 *
 * <p>A prompt's shuffles depend only on the seed and the prompt's position in the set, not on
 * the scores, so probes evaluated on the same set with the same grid see the same chunks.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** Evaluates on the {@link EvaluationGrid#defaults() default grid}. */
    public static EvaluationResult evaluate(String label, SampleSet set, double[] scores) {
        return evaluate(label, set, scores, EvaluationGrid.defaults());
    }

    /** {@link #evaluate(String, SampleSet, double[], EvaluationGrid)} for float scores. */
    public static EvaluationResult evaluate(String label, SampleSet set, float[] scores, EvaluationGrid grid) {
        double[] wide = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            wide[i] = scores[i];
        }
        return evaluate(label, set, wide, grid);
    }

    /**
     * Runs the protocol.
     *
     * @param label  names the probe in the result table (not "base" or "oracle")
     * @param set    the held-out candidates, grouped by prompt
     * @param scores the probe's score Q for each row of {@code set}
     * @throws IllegalArgumentException on a blank or reserved label, an empty set, a score array
     *                                  of the wrong length, a non-finite score, or a k larger
     *                                  than some prompt's number of candidates
     */
    public static EvaluationResult evaluate(String label, SampleSet set, double[] scores, EvaluationGrid grid) {
        checkLabel(label);
        checkScores(set, scores, grid);
        grid = grid.forData(set);
        PromptValues pv = promptValues(set, scores, grid);
        int[] ks = grid.ks();
        int probeCells = ks.length * grid.betas().length;
        int prompts = set.promptCount();
        double[][] values = pv.values();
        double[] klSum = pv.klSum();
        // The bootstrap's stream is the seed's second split; the first drew the shuffles.
        SplittableRandom root = new SplittableRandom(grid.seed());
        root.split();
        SplittableRandom bootstrap = root.split();
        Estimate[] estimates = bootstrap(values, grid.bootstrapSamples(), bootstrap);
        int baseCell = probeCells;
        int oracleCell = probeCells + 1;
        double[] kl = new double[probeCells];
        for (int cell = 0; cell < probeCells; cell++) {
            kl[cell] = klSum[cell] / prompts;
        }
        return new EvaluationResult(label, grid, prompts, Arrays.copyOf(estimates, probeCells), kl,
                estimates[baseCell], Arrays.copyOfRange(estimates, oracleCell, estimates.length));
    }

    /**
     * Per-prompt values of the protocol: {@code values[cell][prompt]} with the probe cells first
     * (cell = k index * betas + beta index), then the base, then the oracle for each k; and the
     * summed selection-KL bound of each probe cell over prompts. Scores must already be checked.
     */
    record PromptValues(double[][] values, double[] klSum) {
    }

    /**
     * Each prompt's expected reward for every (k, beta) of the grid, on the grid's chunks: the
     * unit that paired comparisons and bootstraps over prompts work on. Two score arrays on the
     * same set and grid see the same chunks.
     *
     * @return {@code [k index][beta index][prompt]}
     * @throws IllegalArgumentException as {@link #evaluate(String, SampleSet, double[], EvaluationGrid)}
     */
    public static double[][][] rewardsPerPrompt(SampleSet set, double[] scores, EvaluationGrid grid) {
        checkScores(set, scores, grid);
        grid = grid.forData(set);
        double[][] values = promptValues(set, scores, grid).values();
        int nb = grid.betas().length;
        double[][][] out = new double[grid.ks().length][nb][];
        for (int ki = 0; ki < out.length; ki++) {
            for (int bi = 0; bi < nb; bi++) {
                out[ki][bi] = values[ki * nb + bi];
            }
        }
        return out;
    }

    private static void checkScores(SampleSet set, double[] scores, EvaluationGrid grid) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(grid, "grid");
        if (set.size() == 0) {
            throw new IllegalArgumentException("the sample set is empty: nothing to evaluate");
        }
        if (scores.length != set.size()) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries but the sample set has "
                    + set.size() + " rows (need one score per row)");
        }
        for (int row = 0; row < scores.length; row++) {
            if (!Double.isFinite(scores[row])) {
                throw new IllegalArgumentException("score " + scores[row] + " at row " + row + " (prompt '"
                        + set.promptId(row) + "') is not finite");
            }
        }
    }

    static PromptValues promptValues(SampleSet set, double[] scores, EvaluationGrid grid) {
        int[] ks = grid.ks();
        double[] betas = grid.betas();
        int prompts = set.promptCount();
        int maxN = 0;
        for (int p = 0; p < prompts; p++) {
            int n = set.rowsOfPrompt(p).length;
            if (ks[ks.length - 1] > n) {
                throw new IllegalArgumentException("k = " + ks[ks.length - 1] + " exceeds the n = " + n
                        + " candidates of prompt '" + set.promptIds().get(p) + "'");
            }
            maxN = Math.max(maxN, n);
        }

        int probeCells = ks.length * betas.length;
        int baseCell = probeCells;
        int oracleCell = probeCells + 1;
        // values[cell][prompt]: each cell's per-prompt value, the unit the bootstrap resamples.
        double[][] values = new double[oracleCell + ks.length][prompts];
        double[] klSum = new double[probeCells];
        double[] q = new double[maxN];
        double[] r = new double[maxN];
        double[] sorted = new double[maxN];
        int[] order = new int[maxN];
        double[] probs = new double[ks[ks.length - 1]];
        SplittableRandom root = new SplittableRandom(grid.seed());
        SplittableRandom shuffles = root.split();
        int repeats = grid.repeats();

        for (int prompt = 0; prompt < prompts; prompt++) {
            int[] rows = set.rowsOfPrompt(prompt);
            int n = rows.length;
            double rewardSum = 0;
            for (int i = 0; i < n; i++) {
                q[i] = scores[rows[i]];
                r[i] = set.reward(rows[i]);
                rewardSum += r[i];
            }
            values[baseCell][prompt] = rewardSum / n;
            System.arraycopy(r, 0, sorted, 0, n);
            Arrays.sort(sorted, 0, n);
            for (int ki = 0; ki < ks.length; ki++) {
                values[oracleCell + ki][prompt] = bestOfKSorted(sorted, n, ks[ki]);
            }

            // One stream per prompt, so a prompt's chunks do not depend on the other prompts' sizes.
            SplittableRandom rng = shuffles.split();
            for (int rep = 0; rep < repeats; rep++) {
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int ki = 0; ki < ks.length; ki++) {
                    int k = ks[ki];
                    int chunks = n / k;
                    // Each chunk's mean enters with this weight: mean over chunks, then over repeats.
                    double weight = 1.0 / ((double) chunks * repeats);
                    for (int bi = 0; bi < betas.length; bi++) {
                        int cell = ki * betas.length + bi;
                        double reward = 0;
                        double kl = 0;
                        for (int c = 0; c < chunks; c++) {
                            int from = c * k;
                            Selection.probabilities(q, order, from, k, betas[bi], probs);
                            for (int i = 0; i < k; i++) {
                                reward += probs[i] * r[order[from + i]];
                            }
                            kl += Selection.klFromUniform(probs, 0, k);
                        }
                        values[cell][prompt] += reward * weight;
                        klSum[cell] += kl * weight;
                    }
                }
            }
        }

        return new PromptValues(values, klSum);
    }

    private static void checkLabel(String label) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("the probe needs a non-blank label");
        }
        if (label.equals(EvaluationResult.BASE) || label.equals(EvaluationResult.ORACLE)) {
            throw new IllegalArgumentException("label '" + label + "' is reserved for the reference rows");
        }
    }

    /**
     * The expected maximum reward of k samples drawn without replacement from {@code rewards}:
     * with the rewards sorted ascending, sum_{i=k}^{n} r_(i) C(i-1, k-1) / C(n, k). This is the
     * unbiased best-of-k (oracle) estimate; for 0/1 rewards it equals {@link #passAtK pass@k}.
     *
     * @throws IllegalArgumentException if rewards is empty or not finite, or k is not in [1, n]
     */
    public static double bestOfK(double[] rewards, int k) {
        int n = rewards.length;
        if (n == 0) {
            throw new IllegalArgumentException("best-of-k of 0 rewards is undefined");
        }
        checkK(k, n);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("reward " + rewards[i] + " at index " + i + " is not finite");
            }
        }
        double[] sorted = rewards.clone();
        Arrays.sort(sorted);
        return bestOfKSorted(sorted, n, k);
    }

    /**
     * The weights w_i = C(i-1, k-1) / C(n, k) (1-based i) come from w_n = k / n and
     * w_{i-1} = w_i (i - k) / (i - 1): every factor is at most 1, so nothing overflows for any n,
     * and weights that underflow to 0 are negligible.
     */
    private static double bestOfKSorted(double[] sorted, int n, int k) {
        double w = (double) k / n;
        double sum = 0;
        for (int i = n; i >= k && w > 0; i--) {
            sum += w * sorted[i - 1];
            if (i > 1) {
                w *= (double) (i - k) / (i - 1);
            }
        }
        return sum;
    }

    /**
     * pass@k = 1 - C(n - c, k) / C(n, k): the chance that k of n samples, c of them correct,
     * drawn without replacement include a correct one. The ratio is the product
     * prod_{j<k} (n - c - j) / (n - j), whose factors are at most 1.
     *
     * @throws IllegalArgumentException unless 0 <= c <= n and 1 <= k <= n
     */
    public static double passAtK(int n, int correct, int k) {
        if (correct < 0 || correct > n) {
            throw new IllegalArgumentException("correct = " + correct + " must be between 0 and n = " + n);
        }
        checkK(k, n);
        if (n - correct < k) {
            return 1.0;
        }
        double allWrong = 1;
        for (int j = 0; j < k; j++) {
            allWrong *= (double) (n - correct - j) / (n - j);
        }
        return 1 - allWrong;
    }

    private static void checkK(int k, int n) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got k = " + k);
        }
        if (k > n) {
            throw new IllegalArgumentException("k = " + k + " exceeds the n = " + n + " samples");
        }
    }

    /**
     * The mean of {@code values} with a 95% percentile bootstrap interval from {@code samples}
     * resamples with replacement, e.g. over seeds or over prompts.
     *
     * @throws IllegalArgumentException if values is empty or samples is negative
     */
    public static Estimate bootstrapMean(double[] values, int samples, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the mean of 0 values is undefined");
        }
        if (samples < 0) {
            throw new IllegalArgumentException("bootstrap samples must be >= 0, got " + samples);
        }
        return bootstrap(new double[][] {values}, samples, new SplittableRandom(seed))[0];
    }

    /**
     * Bootstraps every row of values[cell][unit] with the same resampled units, so a resample
     * costs one index draw per unit however many cells there are.
     */
    private static Estimate[] bootstrap(double[][] values, int samples, SplittableRandom rng) {
        int cells = values.length;
        int units = values[0].length;
        Estimate[] out = new Estimate[cells];
        double[] mean = new double[cells];
        for (int cell = 0; cell < cells; cell++) {
            double sum = 0;
            for (double v : values[cell]) {
                sum += v;
            }
            mean[cell] = sum / units;
        }
        if (samples == 0) {
            for (int cell = 0; cell < cells; cell++) {
                out[cell] = new Estimate(mean[cell], Double.NaN, Double.NaN);
            }
            return out;
        }
        double[][] means = new double[cells][samples];
        int[] pick = new int[units];
        for (int b = 0; b < samples; b++) {
            for (int u = 0; u < units; u++) {
                pick[u] = rng.nextInt(units);
            }
            for (int cell = 0; cell < cells; cell++) {
                double[] v = values[cell];
                double sum = 0;
                for (int u = 0; u < units; u++) {
                    sum += v[pick[u]];
                }
                means[cell][b] = sum / units;
            }
        }
        for (int cell = 0; cell < cells; cell++) {
            Arrays.sort(means[cell]);
            out[cell] = new Estimate(mean[cell], quantile(means[cell], 0.025), quantile(means[cell], 0.975));
        }
        return out;
    }

    /** Linear interpolation between order statistics (the usual "type 7" sample quantile). */
    private static double quantile(double[] sorted, double level) {
        double h = (sorted.length - 1) * level;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
