package dev.qprobe.probe;

import dev.qprobe.data.FeatureMatrix;

/**
 * Per-dimension standardization z = (x - mean) * invStd, fitted on training features. Hidden
 * states have dimensions on wildly different scales; standardizing lets one learning rate suit
 * them all. A constant dimension gets invStd = 0: it carries no information. Immutable: the
 * arrays are copied in and the accessors hand out copies.
 */
public record Standardizer(float[] mean, float[] invStd) {

    public Standardizer {
        if (mean.length != invStd.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " dims but invStd has " + invStd.length);
        }
        mean = mean.clone();
        invStd = invStd.clone();
    }

    /** A copy of the per-dimension means. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-dimension inverse standard deviations. */
    @Override
    public float[] invStd() {
        return invStd.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer other && java.util.Arrays.equals(mean, other.mean)
                && java.util.Arrays.equals(invStd, other.invStd);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(mean) + java.util.Arrays.hashCode(invStd);
    }

    @Override
    public String toString() {
        return "Standardizer[" + mean.length + " dims]";
    }

    /** The identity transform for {@code dim} dimensions. */
    public static Standardizer identity(int dim) {
        float[] ones = new float[dim];
        java.util.Arrays.fill(ones, 1f);
        return new Standardizer(new float[dim], ones);
    }

    /** Fits mean and standard deviation per dimension over all rows (two passes, in double). */
    public static Standardizer fit(FeatureMatrix x) {
        int d = x.dim();
        int n = x.rows();
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardize an empty feature matrix");
        }
        float[] a = x.array();
        double[] sum = new double[d];
        for (int r = 0; r < n; r++) {
            int off = r * d;
            for (int j = 0; j < d; j++) {
                sum[j] += a[off + j];
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        double[] sq = new double[d];
        for (int r = 0; r < n; r++) {
            int off = r * d;
            for (int j = 0; j < d; j++) {
                double c = a[off + j] - mean[j];
                sq[j] += c * c;
            }
        }
        float[] invStd = new float[d];
        for (int j = 0; j < d; j++) {
            double std = Math.sqrt(sq[j] / n);
            invStd[j] = std > 1e-12 ? (float) (1.0 / std) : 0f;
        }
        return new Standardizer(mean, invStd);
    }

    public int dim() {
        return mean.length;
    }

    /** A standardized copy of one feature vector. */
    public float[] apply(float[] x) {
        float[] z = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = (x[j] - mean[j]) * invStd[j];
        }
        return z;
    }
}
