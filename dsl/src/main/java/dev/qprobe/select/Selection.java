package dev.qprobe.select;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Selection among k candidates by their probe scores Q: candidate i is returned with probability
 * softmax(Q / beta)_i. As beta goes to 0 this becomes argmax (best-of-k under Q); as beta grows it
 * approaches the base model's uniform choice among its own samples.
 *
 * <p>{@code beta = 0} is exact argmax, with exactly tied maxima sharing the mass evenly;
 * {@code beta = +Infinity} is the uniform distribution. Scores must be finite.
 */
public final class Selection {
    private Selection() {
    }

    /**
     * The selection distribution softmax(q / beta) over the candidates.
     *
     * @throws IllegalArgumentException if beta is negative or NaN, q is empty, or a score is not finite
     */
    public static double[] probabilities(double[] q, double beta) {
        double[] out = new double[q.length];
        fill(q, null, 0, q.length, beta, out);
        return out;
    }

    /**
     * Writes softmax(q[offset .. offset+length) / beta) into {@code out[0 .. length)}: one chunk of
     * a larger score array, without copying it.
     */
    public static void probabilities(double[] q, int offset, int length, double beta, double[] out) {
        Objects.checkFromIndexSize(offset, length, q.length);
        fill(q, null, offset, length, beta, out);
    }

    /**
     * Writes the selection distribution of the candidates {@code q[rows[from + i]]},
     * {@code i < length}, into {@code out[0 .. length)}: a chunk given by row indices, e.g. of a
     * shuffled prompt.
     */
    public static void probabilities(double[] q, int[] rows, int from, int length, double beta, double[] out) {
        Objects.checkFromIndexSize(from, length, rows.length);
        fill(q, rows, from, length, beta, out);
    }

    /** Candidate i's score is q[rows[from + i]] when rows is given, else q[from + i]. */
    private static void fill(double[] q, int[] rows, int from, int length, double beta, double[] out) {
        requireBeta(beta);
        if (length == 0) {
            throw new IllegalArgumentException("cannot select among 0 candidates");
        }
        if (out.length < length) {
            throw new IllegalArgumentException("output array has " + out.length + " entries, need " + length);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            int at = rows == null ? from + i : rows[from + i];
            double v = q[at];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("score " + v + " at index " + at + " (scores must be finite)");
            }
            max = Math.max(max, v);
        }
        if (beta == Double.POSITIVE_INFINITY) {
            // Handled apart: (q - max) / beta can be -Inf / Inf = NaN for extreme score ranges.
            Arrays.fill(out, 0, length, 1.0 / length);
            return;
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            double v = q[rows == null ? from + i : rows[from + i]];
            // beta == 0: only exact maxima count, so ties split evenly. Otherwise subtracting the
            // max keeps every exponent <= 0, so nothing overflows and the max term is exactly 1.
            double w = beta == 0 ? (v == max ? 1.0 : 0.0) : Math.exp((v - max) / beta);
            out[i] = w;
            sum += w;
        }
        for (int i = 0; i < length; i++) {
            out[i] /= sum;
        }
    }

    /** Fails unless beta is a number >= 0 (+Infinity allowed). */
    public static void requireBeta(double beta) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta must be >= 0 (0 means argmax), got " + beta);
        }
    }

    /**
     * KL(p || uniform) = sum_i p_i log(p_i k) = log k - H(p), with 0 log 0 = 0: how far selecting
     * by p moves away from the base model, which picks each of its k samples with probability 1/k.
     * Ranges from 0 (uniform) to log k (one candidate certain).
     *
     * @throws IllegalArgumentException if p is empty or has a negative or non-finite entry
     */
    public static double klFromUniform(double[] p) {
        return klFromUniform(p, 0, p.length);
    }

    /** {@link #klFromUniform(double[])} of the chunk {@code p[offset .. offset+length)}. */
    public static double klFromUniform(double[] p, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, p.length);
        if (length == 0) {
            throw new IllegalArgumentException("KL of an empty distribution is undefined");
        }
        double kl = 0;
        for (int i = offset; i < offset + length; i++) {
            double pi = p[i];
            if (!(pi >= 0) || pi == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("probability " + pi + " at index " + i
                        + " (must be finite and >= 0)");
            }
            if (pi > 0) {
                kl += pi * Math.log(pi * length);
            }
        }
        // Rounding can leave a tiny negative value for a uniform p; KL is never negative.
        return Math.max(0.0, kl);
    }

    /**
     * Draws a candidate index with probability softmax(q / beta); with beta = 0 a uniformly random
     * one of the highest-scoring candidates. This is the production use: rerank pi0's samples.
     *
     * @param rng e.g. a seeded {@link java.util.SplittableRandom} for reproducible choices
     */
    public static int choose(double[] q, double beta, RandomGenerator rng) {
        Objects.requireNonNull(rng, "rng");
        double[] p = probabilities(q, beta);
        double u = rng.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        // The cumulative sum can end a rounding error below 1; u fell in that gap.
        return last;
    }

    /**
     * The expected reward sum_i p_i r_i of selecting by p.
     *
     * @throws IllegalArgumentException if the arrays differ in length or are empty
     */
    public static double expectedReward(double[] p, double[] rewards) {
        if (p.length != rewards.length) {
            throw new IllegalArgumentException("p has " + p.length + " entries but rewards has " + rewards.length);
        }
        if (p.length == 0) {
            throw new IllegalArgumentException("expected reward over 0 candidates is undefined");
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i] * rewards[i];
        }
        return sum;
    }
}
