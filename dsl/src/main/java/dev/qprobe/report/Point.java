package dev.qprobe.report;

import dev.qprobe.eval.Estimate;

/**
 * One point of a line in {@link Charts#lines}: a value y at x with an optional interval
 * [low, high], drawn as a vertical bar. Both bounds are NaN when there is no interval.
 *
 * @throws IllegalArgumentException if x or y is not finite, only one bound is NaN, a bound is
 *                                  infinite, or low &gt; high
 */
public record Point(double x, double y, double low, double high) {
    public Point {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("a point needs finite x and y, got (" + x + ", " + y + ")");
        }
        if (Double.isNaN(low) != Double.isNaN(high)) {
            throw new IllegalArgumentException("give both interval bounds or neither (NaN), got [" + low + ", "
                    + high + "] at x = " + x);
        }
        if (!Double.isNaN(low) && (Double.isInfinite(low) || Double.isInfinite(high) || low > high)) {
            throw new IllegalArgumentException("interval [" + low + ", " + high + "] at x = " + x
                    + " must be finite with low <= high");
        }
    }

    /** A point without an interval. */
    public static Point of(double x, double y) {
        return new Point(x, y, Double.NaN, Double.NaN);
    }

    /** A point at x with an estimate's value and interval (none if the estimate has none). */
    public static Point of(double x, Estimate y) {
        return new Point(x, y.value(), y.low(), y.high());
    }

    /** True when the point carries an interval. */
    public boolean hasInterval() {
        return !Double.isNaN(low);
    }
}
