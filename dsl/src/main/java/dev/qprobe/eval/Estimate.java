package dev.qprobe.eval;

/**
 * A point estimate with its 95% bootstrap percentile interval. The bounds are NaN when the
 * interval was not computed (zero bootstrap samples).
 *
 * @param value the estimate itself (a mean over prompts)
 * @param low   the 2.5% percentile of the bootstrap means
 * @param high  the 97.5% percentile of the bootstrap means
 */
public record Estimate(double value, double low, double high) {
    /** Half the interval's width, or NaN without an interval. */
    public double halfWidth() {
        return (high - low) / 2;
    }

    @Override
    public String toString() {
        return Double.isNaN(low)
                ? String.format("%.4f", value)
                : String.format("%.4f [%.4f, %.4f]", value, low, high);
    }
}
