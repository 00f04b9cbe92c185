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

    /**
     * Fits mean and standard deviation per dimension over all rows, in one read of the matrix
     * (any store): values are shifted by the first row before summing, so the variance keeps its
     * digits when a dimension's mean is far from zero. Rows are read in blocks, partial sums added
     * in block order: the same data gives the same result on any thread count.
     */
    public static Standardizer fit(FeatureMatrix x) {
        int d = x.dim();
        int n = x.rows();
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardize an empty feature matrix");
        }
        float[] shift = x.row(0);
        int blockRows = Math.max(1, (1 << 20) / d);
        int blocks = (n + blockRows - 1) / blockRows;
        double[][] partial = java.util.stream.IntStream.range(0, blocks).parallel().mapToObj(b -> {
            int from = b * blockRows;
            int count = Math.min(blockRows, n - from);
            float[] rows = new float[count * d];
            x.copyRows(from, count, rows, 0);
            double[] sums = new double[2 * d];
            for (int r = 0; r < count; r++) {
                int off = r * d;
                for (int j = 0; j < d; j++) {
                    double c = rows[off + j] - shift[j];
                    sums[j] += c;
                    sums[d + j] += c * c;
                }
            }
            return sums;
        }).toArray(double[][]::new);
        double[] sum = new double[2 * d];
        for (double[] p : partial) {
            for (int j = 0; j < 2 * d; j++) {
                sum[j] += p[j];
            }
        }
        float[] mean = new float[d];
        float[] invStd = new float[d];
        for (int j = 0; j < d; j++) {
            double m = sum[j] / n;
            mean[j] = (float) (shift[j] + m);
            double std = Math.sqrt(Math.max(0, sum[d + j] / n - m * m));
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
