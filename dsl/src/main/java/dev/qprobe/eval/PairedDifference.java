package dev.qprobe.eval;

import java.util.Locale;

/**
 * The mean paired difference in expected reward between two probes, {@code a - b}, at one
 * (k, beta): each test prompt's difference on the same chunks, averaged over seeds, then over
 * prompts, with a 95% percentile bootstrap interval over prompts.
 *
 * @param a          the first probe's label
 * @param b          the second probe's label
 * @param k          candidates per chunk
 * @param beta       selection temperature (0 = argmax)
 * @param difference mean of a - b with its 95% interval
 */
public record PairedDifference(String a, String b, int k, double beta, Estimate difference) {

    /** True when the 95% interval lies wholly above or wholly below 0. */
    public boolean excludesZero() {
        return difference.low() > 0 || difference.high() < 0;
    }

    /** In words, e.g. "PG - MSE at k = 48, beta = 0: +0.031 [+0.012, +0.050]; PG ahead (the 95% CI excludes 0)". */
    public String inWords() {
        String verdict;
        if (Double.isNaN(difference.low())) {
            verdict = "no interval computed";
        } else if (difference.low() > 0) {
            verdict = a + " ahead (the 95% CI excludes 0)";
        } else if (difference.high() < 0) {
            verdict = b + " ahead (the 95% CI excludes 0)";
        } else {
            verdict = "no difference shown (the 95% CI includes 0)";
        }
        return String.format(Locale.ROOT, "%s - %s at k = %d, beta = %s: %+.3f [%+.3f, %+.3f]; %s", a, b, k,
                beta == 0 ? "0 (argmax)" : String.valueOf(beta), difference.value(), difference.low(), difference.high(), verdict);
    }

    @Override
    public String toString() {
        return inWords();
    }
}
