package dev.qprobe.eval;

import dev.qprobe.select.Selection;
import java.util.Arrays;

/**
 * The settings of an evaluation: which chunk sizes k and temperatures beta to report, how many
 * independent shuffles to average per prompt, how many bootstrap resamples to draw, and the seed.
 * Immutable; the {@code with...} methods return modified copies.
 *
 * <p>Defaults: k from the data (1, 2, 4, ... up to the fewest candidates any evaluated prompt has,
 * at most 48: {@link #ksFor}), beta in {0, 0.01, 0.1, 1}, 1 repeat, 1000 bootstrap samples, seed 0.
 * k and beta values are kept sorted ascending.
 */
public final class EvaluationGrid {
    /** The largest k of the default axis, as in the paper. */
    public static final int MAX_DEFAULT_K = 48;
    private static final EvaluationGrid DEFAULTS =
            new EvaluationGrid(null, new double[] {0, 0.01, 0.1, 1}, 1, 1000, 0);

    /** Null until set: then the k values come from the data evaluated ({@link #forData}). */
    private final int[] ks;
    private final double[] betas;
    private final int repeats;
    private final int bootstrapSamples;
    private final long seed;

    private EvaluationGrid(int[] ks, double[] betas, int repeats, int bootstrapSamples, long seed) {
        this.ks = ks == null ? null : checkKs(ks);
        this.betas = checkBetas(betas);
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        if (bootstrapSamples < 0) {
            throw new IllegalArgumentException("bootstrap samples must be >= 0 (0 skips the intervals), got "
                    + bootstrapSamples);
        }
        this.repeats = repeats;
        this.bootstrapSamples = bootstrapSamples;
        this.seed = seed;
    }

    /** The default grid (see the class comment). */
    public static EvaluationGrid defaults() {
        return DEFAULTS;
    }

    private static int[] checkKs(int[] ks) {
        if (ks.length == 0) {
            throw new IllegalArgumentException("need at least one k");
        }
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        if (sorted[0] < 1) {
            throw new IllegalArgumentException("k must be >= 1, got k = " + sorted[0]);
        }
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("k = " + sorted[i] + " is listed twice");
            }
        }
        return sorted;
    }

    private static double[] checkBetas(double[] betas) {
        if (betas.length == 0) {
            throw new IllegalArgumentException("need at least one beta");
        }
        double[] sorted = new double[betas.length];
        for (int i = 0; i < betas.length; i++) {
            Selection.requireBeta(betas[i]);
            // Adding 0.0 turns -0.0 into 0.0, so lookups by beta treat them as the same value.
            sorted[i] = betas[i] + 0.0;
        }
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("beta = " + sorted[i] + " is listed twice");
            }
        }
        return sorted;
    }

    /**
     * The k axis for n candidates per prompt: the paper's k = 1, 2, 4, ..., 32, 48, cut at n and
     * ending with n when n is below 48. Larger k are left out by default: with the paper's 200
     * samples per prompt, k = 48 is the largest that still gives 4 chunks to average per prompt.
     */
    public static int[] ksFor(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least 1 candidate per prompt, got " + n);
        }
        n = Math.min(n, MAX_DEFAULT_K);
        int count = 32 - Integer.numberOfLeadingZeros(n - 1) + 1;  // 1, 2, ..., < n, and n
        int[] ks = new int[count];
        for (int i = 0; i < ks.length - 1; i++) {
            ks[i] = 1 << i;
        }
        ks[ks.length - 1] = n;
        return ks;
    }

    /** True when k values were chosen ({@link #withKs}), false when they come from the data. */
    public boolean hasKs() {
        return ks != null;
    }

    /**
     * This grid as it applies to {@code set}: unchanged when k values were chosen, else with k = 1,
     * 2, 4, ... up to the fewest candidates any prompt of {@code set} has, at most 48 ({@link #ksFor}).
     */
    public EvaluationGrid forData(dev.qprobe.data.SampleSet set) {
        if (ks != null) {
            return this;
        }
        int fewest = Integer.MAX_VALUE;
        for (int p = 0; p < set.promptCount(); p++) {
            fewest = Math.min(fewest, set.rowsOfPrompt(p).length);
        }
        return withKs(ksFor(fewest == Integer.MAX_VALUE ? 1 : fewest));
    }

    /** This grid with other chunk sizes k (each >= 1, distinct). */
    public EvaluationGrid withKs(int... ks) {
        return new EvaluationGrid(ks, betas, repeats, bootstrapSamples, seed);
    }

    /** This grid with other temperatures (each >= 0, distinct; 0 is argmax, +Infinity uniform). */
    public EvaluationGrid withBetas(double... betas) {
        return new EvaluationGrid(ks, betas, repeats, bootstrapSamples, seed);
    }

    /** This grid averaging {@code repeats} independent shuffles per prompt (>= 1). */
    public EvaluationGrid withRepeats(int repeats) {
        return new EvaluationGrid(ks, betas, repeats, bootstrapSamples, seed);
    }

    /** This grid drawing {@code samples} bootstrap resamples of the prompts (0 skips the intervals). */
    public EvaluationGrid withBootstrapSamples(int samples) {
        return new EvaluationGrid(ks, betas, repeats, samples, seed);
    }

    /** This grid with another seed for the shuffles and the bootstrap. */
    public EvaluationGrid withSeed(long seed) {
        return new EvaluationGrid(ks, betas, repeats, bootstrapSamples, seed);
    }

    /**
     * The chunk sizes, ascending (a copy).
     *
     * @throws IllegalStateException when they are still to come from the data ({@link #forData})
     */
    public int[] ks() {
        if (ks == null) {
            throw new IllegalStateException("this grid takes its k values from the data: call forData(set) or "
                    + "withKs(...) first");
        }
        return ks.clone();
    }

    /** The temperatures, ascending (a copy). */
    public double[] betas() {
        return betas.clone();
    }

    public int repeats() {
        return repeats;
    }

    public int bootstrapSamples() {
        return bootstrapSamples;
    }

    public long seed() {
        return seed;
    }

    /** Position of k in {@link #ks()}, or -1. */
    int indexOfK(int k) {
        int i = Arrays.binarySearch(ks(), k);
        return i < 0 ? -1 : i;
    }

    /** Position of beta in {@link #betas()}, or -1; -0.0 is found as 0.0. */
    int indexOfBeta(double beta) {
        int i = Arrays.binarySearch(betas, beta + 0.0);
        return i < 0 ? -1 : i;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationGrid g && Arrays.equals(ks, g.ks) && Arrays.equals(betas, g.betas)
                && repeats == g.repeats && bootstrapSamples == g.bootstrapSamples && seed == g.seed;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * Arrays.hashCode(ks) + Arrays.hashCode(betas)) + repeats)
                + bootstrapSamples) + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "EvaluationGrid[k " + (ks == null ? "from the data" : Arrays.toString(ks)) + ", beta " + Arrays.toString(betas) + ", repeats "
                + repeats + ", bootstrap " + bootstrapSamples + ", seed " + seed + "]";
    }
}
