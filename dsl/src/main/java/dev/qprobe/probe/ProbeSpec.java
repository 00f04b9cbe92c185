package dev.qprobe.probe;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The architecture of a probe Q(x): linear (w . x + b), or an MLP with one or two hidden ReLU
 * layers of configurable width. It fixes the layout of the flat parameter vector that trainers and
 * backends share:
 * <pre>
 *   linear:  w[d], b
 *   MLP:     W1[d][h1] (row-major), b1[h1], (W2[h1][h2], b2[h2]), wOut[h_last], bOut
 * </pre>
 */
public final class ProbeSpec {
    private final int[] hidden;

    private ProbeSpec(int[] hidden) {
        this.hidden = hidden;
    }

    /** Q(x) = w . x + b. */
    public static ProbeSpec linear() {
        return new ProbeSpec(new int[0]);
    }

    /** An MLP with one or two hidden ReLU layers of the given widths. */
    public static ProbeSpec mlp(int... hiddenWidths) {
        if (hiddenWidths.length < 1 || hiddenWidths.length > 2) {
            throw new IllegalArgumentException("an MLP probe has 1 or 2 hidden layers, got " + hiddenWidths.length);
        }
        for (int w : hiddenWidths) {
            if (w < 1) {
                throw new IllegalArgumentException("hidden layer width must be >= 1, got " + w);
            }
        }
        return new ProbeSpec(hiddenWidths.clone());
    }

    public boolean isLinear() {
        return hidden.length == 0;
    }

    /** Widths of the hidden layers (empty for a linear probe). */
    public int[] hiddenWidths() {
        return hidden.clone();
    }

    /** Number of parameters for inputs of dimension {@code dim}. */
    public int parameterCount(int dim) {
        long count = 0;
        int in = dim;
        for (int h : hidden) {
            count += (long) in * h + h;
            in = h;
        }
        count += in + 1L;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(this + " on " + dim + " features has too many parameters: " + count);
        }
        return (int) count;
    }

    /**
     * Initial parameters: zeros for a linear probe (the loss is convex, so no symmetry to break);
     * He-normal weights and zero biases for an MLP.
     */
    public float[] initialParameters(int dim, RandomGenerator rng) {
        float[] params = new float[parameterCount(dim)];
        int at = 0;
        int in = dim;
        for (int h : hidden) {
            double std = Math.sqrt(2.0 / in);
            for (int i = 0; i < in * h; i++) {
                params[at++] = (float) (rng.nextGaussian() * std);
            }
            at += h;
            in = h;
        }
        if (!isLinear()) {
            double std = Math.sqrt(1.0 / in);
            for (int i = 0; i < in; i++) {
                params[at++] = (float) (rng.nextGaussian() * std);
            }
        }
        return params;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeSpec other && Arrays.equals(hidden, other.hidden);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden);
    }

    /** "linear", "mlp(64)" or "mlp(64,32)". */
    @Override
    public String toString() {
        if (isLinear()) {
            return "linear";
        }
        return "mlp(" + String.join(",", Arrays.stream(hidden).mapToObj(Integer::toString).toList()) + ")";
    }

    /** Parses the form {@link #toString()} writes. */
    public static ProbeSpec parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("linear")) {
            return linear();
        }
        if (s.startsWith("mlp(") && s.endsWith(")")) {
            try {
                return mlp(Arrays.stream(s.substring(4, s.length() - 1).split(","))
                        .mapToInt(w -> Integer.parseInt(w.trim())).toArray());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        String kind = s.contains("(") ? s.substring(0, s.indexOf('(')) : s;
        String hint = dev.qprobe.Suggestions.didYouMean(kind, java.util.List.of("linear", "mlp"));
        throw new IllegalArgumentException("unknown probe '" + text + "'" + hint + ": use linear, mlp(W) or mlp(W1,W2)"
                + " (in a shell, quote it: --probe 'mlp(16)')");
    }
}
