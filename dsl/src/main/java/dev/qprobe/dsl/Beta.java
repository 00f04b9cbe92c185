package dev.qprobe.dsl;

import java.util.Arrays;

/**
 * Selection temperatures to evaluate: softmax(Q / beta) over the k candidates, beta = 0 meaning
 * argmax. Small beta trusts the probe; large beta stays close to the base model.
 */
public record Beta(double[] values) {

    public Beta {
        if (values.length == 0) {
            throw new IllegalArgumentException("give at least one beta, e.g. Beta.of(0, 0.1, 1)");
        }
        values = values.clone();
        for (double b : values) {
            if (!(b >= 0) || Double.isInfinite(b)) {
                throw new IllegalArgumentException("beta must be finite and >= 0 (0 selects the argmax), got " + b);
            }
        }
    }

    public static Beta of(double... values) {
        return new Beta(values);
    }

    /** 0 (argmax), 0.01, 0.1 and 1, as in the paper. */
    public static Beta standard() {
        return of(0, 0.01, 0.1, 1);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Beta other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Beta" + Arrays.toString(values);
    }
}
