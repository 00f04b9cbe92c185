package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.select.Selection;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The true KL and the KL-regularised optimum against exact enumeration on a toy base model with
 * four completions: pi0 = (0.4, 0.3, 0.2, 0.1), Q = (0, 1, 2, 3), reward 1 for the last two.
 */
class TrueKlTest {
    private static final double[] PI0 = {0.4, 0.3, 0.2, 0.1};
    private static final double[] Q = {0, 1, 2, 3};
    private static final double[] R = {0, 0, 1, 1};
    private static final int N = 12_000;
    private static final int PROMPTS = 3;

    /** PROMPTS prompts, N samples each from PI0, completion text "y<index>", score Q, reward R. */
    private static SampleSet toy() {
        SplittableRandom rng = new SplittableRandom(11);
        SampleSet.Builder b = SampleSet.builder(1);
        for (int p = 0; p < PROMPTS; p++) {
            for (int i = 0; i < N; i++) {
                double u = rng.nextDouble();
                int y = 0;
                for (double c = PI0[0]; u >= c && y < PI0.length - 1; c += PI0[++y]) {
                    // walk the cumulative distribution
                }
                b.add("p" + p, "x" + p, "y" + y, R[y], new float[] {(float) Q[y]});
            }
        }
        return b.build();
    }

    private static double[] scores(SampleSet set) {
        double[] s = new double[set.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = set.features().get(i, 0);
        }
        return s;
    }

    private static double[] logPi0(SampleSet set) {
        double[] lp = new double[set.size()];
        for (int i = 0; i < lp.length; i++) {
            lp[i] = Math.log(PI0[Integer.parseInt(set.completion(i).substring(1))]);
        }
        return lp;
    }

    /** pi_k by enumerating every k-tuple drawn with replacement from PI0 and selecting by softmax(Q / beta). */
    private static double[] exactPiK(int k, double beta) {
        double[] pik = new double[PI0.length];
        int[] tuple = new int[k];
        int total = (int) Math.pow(PI0.length, k);
        double[] q = new double[k];
        double[] p = new double[k];
        for (int code = 0; code < total; code++) {
            double prob = 1;
            for (int i = 0, c = code; i < k; i++, c /= PI0.length) {
                tuple[i] = c % PI0.length;
                prob *= PI0[tuple[i]];
                q[i] = Q[tuple[i]];
            }
            System.arraycopy(Selection.probabilities(q, beta), 0, p, 0, k);
            for (int i = 0; i < k; i++) {
                pik[tuple[i]] += prob * p[i];
            }
        }
        return pik;
    }

    private static double kl(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > 0) {
                s += a[i] * Math.log(a[i] / b[i]);
            }
        }
        return s;
    }

    @Test
    void trueKlMatchesExactEnumerationAndIsBelowTheSelectionBound() {
        SampleSet set = toy();
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 2, 3, 4).withBetas(0, 0.5, 1).withRepeats(2)
                .withBootstrapSamples(0);
        Estimate[][] kl = TrueKl.estimate(set, scores(set), logPi0(set), grid);
        EvaluationResult bound = Evaluation.evaluate("toy", set, scores(set), grid);
        for (int ki = 0; ki < grid.ks().length; ki++) {
            for (int bi = 0; bi < grid.betas().length; bi++) {
                int k = grid.ks()[ki];
                double beta = grid.betas()[bi];
                double exact = kl(exactPiK(k, beta), PI0);
                assertEquals(exact, kl[ki][bi].value(), 0.01 + 0.02 * exact, "k = " + k + ", beta = " + beta);
                // Four completions among k samples repeat often: the bound over indices is larger.
                assertTrue(kl[ki][bi].value() <= bound.selectionKlBound(k, beta) + 0.005, "k = " + k + ", beta = " + beta);
            }
        }
        assertEquals(0.0, kl[0][0].value(), 1e-12, "k = 1 returns pi0 itself");
        // argmax at k = 4: pi_4(y) = F(y)^4 - F(y-1)^4 with F the CDF in Q order; a worked value.
        double[] cdf = {0.4, 0.7, 0.9, 1.0};
        double[] argmax4 = {Math.pow(0.4, 4), Math.pow(0.7, 4) - Math.pow(0.4, 4), Math.pow(0.9, 4) - Math.pow(0.7, 4),
                1 - Math.pow(0.9, 4)};
        assertEquals(kl(argmax4, PI0), kl(exactPiK(4, 0), PI0), 1e-12, "enumeration agrees with the closed form");
        assertEquals(1.0, cdf[3]);
    }

    @Test
    void optimumMatchesTheExactTiltedDistribution() {
        SampleSet set = toy();
        for (double beta : new double[] {0.5, 1, 2}) {
            double z = 0;
            double er = 0;
            double eq = 0;
            for (int y = 0; y < PI0.length; y++) {
                double w = PI0[y] * Math.exp(Q[y] / beta);
                z += w;
                er += w * R[y];
                eq += w * Q[y] / beta;
            }
            double exactReward = er / z;
            double exactKl = eq / z - Math.log(z);
            KlOptimum opt = KlOptimum.estimate(set, scores(set), beta, 200, 3);
            assertEquals(exactReward, opt.reward().value(), 0.01, "beta " + beta);
            assertEquals(exactKl, opt.kl().value(), 0.02, "beta " + beta);
            assertTrue(opt.reward().low() <= opt.reward().value() && opt.reward().value() <= opt.reward().high());
            assertTrue(opt.effectiveSize() > 100 && opt.effectiveSize() <= N, "ESS " + opt.effectiveSize());
        }
        // Selection among many samples approaches the optimum's reward (here k = 2,000 at beta = 1).
        EvaluationGrid big = EvaluationGrid.defaults().withKs(2_000).withBetas(1).withBootstrapSamples(0);
        double selected = Evaluation.evaluate("toy", set, scores(set), big).reward(2_000, 1).value();
        assertEquals(KlOptimum.estimate(set, scores(set), 1, 0, 0).reward().value(), selected, 0.01);
    }

    @Test
    void badInputGetsClearErrors() {
        SampleSet set = toy();
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(2).withBetas(0).withBootstrapSamples(0);
        var len = assertThrows(IllegalArgumentException.class,
                () -> TrueKl.estimate(set, scores(set), new double[3], grid));
        assertTrue(len.getMessage().contains("logPi0 has 3 entries"), len.getMessage());
        double[] lp = logPi0(set);
        lp[5] = Double.NEGATIVE_INFINITY;
        var inf = assertThrows(IllegalArgumentException.class, () -> TrueKl.estimate(set, scores(set), lp, grid));
        assertTrue(inf.getMessage().contains("row 5"), inf.getMessage());
        var beta = assertThrows(IllegalArgumentException.class, () -> KlOptimum.estimate(set, scores(set), 0, 0, 0));
        assertTrue(beta.getMessage().contains("beta > 0"), beta.getMessage());
    }
}
