package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class EvaluationTest {
    private static final double EPS = 1e-12;

    /** A set whose rows belong to prompts "p0", "p1", ... with the given numbers of candidates. */
    static SampleSet set(int[] sizes, double[] rewards) {
        SampleSet.Builder b = SampleSet.builder(1);
        int row = 0;
        for (int p = 0; p < sizes.length; p++) {
            for (int i = 0; i < sizes[p]; i++) {
                b.add("p" + p, rewards[row++], new float[] {0});
            }
        }
        return b.build();
    }

    /** prompts x n candidates with 0/1 rewards whose success rate varies by prompt. */
    static SampleSet randomBinarySet(int prompts, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] sizes = new int[prompts];
        double[] rewards = new double[prompts * n];
        for (int p = 0; p < prompts; p++) {
            sizes[p] = n;
            double rate = rng.nextDouble();
            for (int i = 0; i < n; i++) {
                rewards[p * n + i] = rng.nextDouble() < rate ? 1 : 0;
            }
        }
        return set(sizes, rewards);
    }

    /** Scores that carry some signal about the reward: reward plus unit Gaussian noise. */
    static double[] noisyScores(SampleSet set, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] q = new double[set.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = set.reward(i) + gaussian(rng);
        }
        return q;
    }

    static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    @Test
    void oneChunkOfAllCandidatesIsHandComputable() {
        SampleSet s = set(new int[] {4}, new double[] {1, 0, 0, 1});
        double[] q = {0, Math.log(2), 0, Math.log(3)};
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 4).withBetas(0, 1);
        EvaluationResult r = Evaluation.evaluate("probe", s, q, grid);
        // beta = 1: p = (1, 2, 1, 3) / 7, so the expected reward is (1 + 3) / 7.
        assertEquals(4 / 7.0, r.reward(4, 1).value(), EPS);
        double[] p = {1 / 7.0, 2 / 7.0, 1 / 7.0, 3 / 7.0};
        double kl = 0;
        for (double pi : p) {
            kl += pi * Math.log(4 * pi);
        }
        assertEquals(kl, r.selectionKlBound(4, 1), EPS);
        // beta = 0 picks the last candidate (reward 1) with certainty.
        assertEquals(1, r.reward(4, 0).value(), EPS);
        assertEquals(Math.log(4), r.selectionKlBound(4, 0), EPS);
        assertEquals(0.5, r.base().value(), EPS);
        assertEquals(1, r.oracle(4).value(), EPS);
        assertEquals(0.5, r.oracle(1).value(), EPS);
    }

    @Test
    void kOneEqualsTheBaseRate() {
        SplittableRandom rng = new SplittableRandom(11);
        int[] sizes = {5, 9, 3, 12};
        double[] rewards = new double[29];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = rng.nextDouble() * 3 - 1;
        }
        SampleSet s = set(sizes, rewards);
        double[] q = noisyScores(s, 2);
        EvaluationResult r = Evaluation.evaluate("probe", s, q, EvaluationGrid.defaults().withKs(1, 2, 3));
        for (double beta : r.grid().betas()) {
            assertEquals(r.base().value(), r.reward(1, beta).value(), EPS);
            assertEquals(0, r.selectionKlBound(1, beta), 0);
            assertEquals(r.base().value(), r.oracle(1).value(), EPS);
        }
    }

    @Test
    void baseAveragesPerPromptThenOverPrompts() {
        // Per prompt: 1 and 0, so 0.5; pooling the rows would give 2 / 6.
        SampleSet s = set(new int[] {2, 4}, new double[] {1, 1, 0, 0, 0, 0});
        EvaluationResult r = Evaluation.evaluate("probe", s, new double[6], EvaluationGrid.defaults().withKs(1, 2));
        assertEquals(0.5, r.base().value(), EPS);
        assertEquals(0.5, r.oracle(2).value(), EPS);
    }

    @Test
    void largeBetaApproachesTheBaseRate() {
        SampleSet s = randomBinarySet(10, 12, 3);
        double[] q = noisyScores(s, 4);
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(4, 6)
                .withBetas(0, 1, 1e9, Double.POSITIVE_INFINITY);
        EvaluationResult r = Evaluation.evaluate("probe", s, q, grid);
        // k divides n, so uniform selection within chunks averages to the prompt's mean exactly.
        assertEquals(r.base().value(), r.reward(4, Double.POSITIVE_INFINITY).value(), EPS);
        assertEquals(r.base().value(), r.reward(4, 1e9).value(), 1e-8);
        assertEquals(r.base().value(), r.reward(6, 1e9).value(), 1e-8);
        assertEquals(0, r.selectionKlBound(6, Double.POSITIVE_INFINITY), 0);
        // Informative scores beat the base at small beta.
        assertTrue(r.reward(4, 0).value() > r.base().value() + 0.05, r.toString());
    }

    @Test
    void argmaxOfPerfectScoresAtKEqualsNIsTheOracle() {
        SampleSet s = randomBinarySet(15, 8, 5);
        double[] perfect = s.rewards();
        EvaluationResult r = Evaluation.evaluate("perfect", s, perfect, EvaluationGrid.defaults().withKs(2, 8));
        assertEquals(r.oracle(8).value(), r.reward(8, 0).value(), EPS);
    }

    @Test
    void chunkedProtocolMatchesTheExpectationOverShuffles() {
        // One prompt, rewards (1, 1, 0, 0), perfect scores, k = 2, argmax. A shuffle pairs the two
        // successes together (prob 1/3, value 1/2) or apart (value 1): the mean is 5/6 = pass@2.
        SampleSet s = set(new int[] {4}, new double[] {1, 1, 0, 0});
        EvaluationGrid one = EvaluationGrid.defaults().withKs(2).withBetas(0).withBootstrapSamples(0);
        double single = Evaluation.evaluate("perfect", s, s.rewards(), one).reward(2, 0).value();
        assertTrue(single == 0.5 || single == 1.0, "one shuffle gives 1/2 or 1, got " + single);
        EvaluationResult many = Evaluation.evaluate("perfect", s, s.rewards(), one.withRepeats(20_000));
        assertEquals(5 / 6.0, many.reward(2, 0).value(), 0.01);
        assertEquals(5 / 6.0, many.oracle(2).value(), EPS);
        // With a single success, every shuffle gives exactly 1/2 = pass@2.
        SampleSet lone = set(new int[] {4}, new double[] {0, 0, 1, 0});
        assertEquals(0.5, Evaluation.evaluate("perfect", lone, lone.rewards(), one).reward(2, 0).value(), EPS);
    }

    @Test
    void remainderIsDropped() {
        // n = 5, k = 2: two chunks of two, one candidate left out. Constant scores and beta = 0
        // split evenly, so each chunk's value is its mean reward.
        SampleSet s = set(new int[] {5}, new double[] {1, 1, 1, 1, 0});
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(2).withBetas(0).withBootstrapSamples(0);
        double v = Evaluation.evaluate("flat", s, new double[5], grid).reward(2, 0).value();
        // Dropping the 0 gives 1; dropping a 1 gives (1 + 1 + 1 + 0) / 4.
        assertTrue(v == 1.0 || v == 0.75, "got " + v);
    }

    @Test
    void bootstrapIntervalContainsTheEstimateAndShrinksWithMorePrompts() {
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 4, 8).withBetas(0, 0.1);
        SampleSet small = randomBinarySet(20, 8, 6);
        SampleSet large = randomBinarySet(500, 8, 7);
        EvaluationResult rs = Evaluation.evaluate("probe", small, noisyScores(small, 8), grid);
        EvaluationResult rl = Evaluation.evaluate("probe", large, noisyScores(large, 9), grid);
        for (EvaluationResult r : new EvaluationResult[] {rs, rl}) {
            for (Estimate e : new Estimate[] {r.base(), r.oracle(4), r.reward(4, 0), r.reward(8, 0.1)}) {
                assertTrue(e.low() <= e.value() && e.value() <= e.high(), e.toString());
                assertTrue(e.high() > e.low(), e.toString());
            }
        }
        // The width scales like 1/sqrt(prompts): 25 times the prompts, about a fifth of the width.
        assertTrue(rl.base().halfWidth() < rs.base().halfWidth() / 2.5, rs.base() + " vs " + rl.base());
        assertTrue(rl.reward(4, 0).halfWidth() < rs.reward(4, 0).halfWidth() / 2.5);
        assertTrue(rl.oracle(8).halfWidth() < rs.oracle(8).halfWidth() / 2.5);
    }

    @Test
    void bootstrapMeanOfConstantsIsDegenerate() {
        Estimate e = Evaluation.bootstrapMean(new double[] {0.3, 0.3, 0.3}, 200, 1);
        assertEquals(0.3, e.value(), EPS);
        assertEquals(0.3, e.low(), EPS);
        assertEquals(0.3, e.high(), EPS);
        Estimate none = Evaluation.bootstrapMean(new double[] {1, 2}, 0, 1);
        assertEquals(1.5, none.value(), EPS);
        assertTrue(Double.isNaN(none.low()) && Double.isNaN(none.high()));
    }

    @Test
    void deterministicGivenASeed() {
        SampleSet s = randomBinarySet(30, 7, 10);
        double[] q = noisyScores(s, 11);
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 2, 3, 5).withSeed(42);
        EvaluationResult a = Evaluation.evaluate("probe", s, q, grid);
        EvaluationResult b = Evaluation.evaluate("probe", s, q, grid);
        assertEquals(a.table().toString(), b.table().toString());
        EvaluationResult c = Evaluation.evaluate("probe", s, q, grid.withSeed(43));
        assertNotEquals(a.table().toString(), c.table().toString());
        // The base rate and oracle do not depend on the seed, only their intervals do.
        assertEquals(a.base().value(), c.base().value(), 0);
    }

    @Test
    void floatScoresGiveTheSameResult() {
        SampleSet s = randomBinarySet(10, 6, 12);
        float[] f = new float[s.size()];
        double[] d = new double[s.size()];
        SplittableRandom rng = new SplittableRandom(13);
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.nextDouble();
            d[i] = f[i];
        }
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 2, 6);
        assertEquals(Evaluation.evaluate("p", s, d, grid).table().toString(),
                Evaluation.evaluate("p", s, f, grid).table().toString());
    }

    @Test
    void badInputsFailWithClearMessages() {
        SampleSet s = set(new int[] {4, 3}, new double[] {1, 0, 0, 1, 0, 1, 0});
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 2);
        double[] q = new double[7];

        double[] nan = q.clone();
        nan[5] = Double.NaN;
        assertMessage(() -> Evaluation.evaluate("p", s, nan, grid), "score NaN at row 5 (prompt 'p1')");
        double[] inf = q.clone();
        inf[0] = Double.NEGATIVE_INFINITY;
        assertMessage(() -> Evaluation.evaluate("p", s, inf, grid), "at row 0");
        assertMessage(() -> Evaluation.evaluate("p", s, new double[6], grid),
                "scores has 6 entries but the sample set has 7 rows");
        assertMessage(() -> Evaluation.evaluate("p", s, q, grid.withKs(1, 4)),
                "k = 4 exceeds the n = 3 candidates of prompt 'p1'");
        // The default grid takes k from the data (the fewest candidates: 3), so it never asks for too many.
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 3}, Evaluation.evaluate("p", s, q).grid().ks());
        SampleSet empty = SampleSet.builder(1).build();
        assertMessage(() -> Evaluation.evaluate("p", empty, new double[0], grid), "sample set is empty");
        assertMessage(() -> Evaluation.evaluate("base", s, q, grid), "label 'base' is reserved");
        assertMessage(() -> Evaluation.evaluate(" ", s, q, grid), "non-blank label");
        assertMessage(() -> grid.withKs(0, 2), "k must be >= 1");
        assertMessage(() -> grid.withBetas(0, -0.5), "beta must be >= 0");
        assertMessage(() -> grid.withBetas(Double.NaN), "beta must be >= 0");
        assertMessage(() -> Evaluation.bootstrapMean(new double[0], 10, 0), "0 values");
    }

    static void assertMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void defaultGridCoversEveryKAndBeta() {
        SampleSet s = randomBinarySet(100, 48, 14);
        double[] q = noisyScores(s, 15);
        EvaluationResult r = Evaluation.evaluate("probe", s, q);
        assertEquals(28 + 1 + 7, r.table().rowCount());
        // Sanity on real-looking data: the oracle bounds argmax selection, which beats the base.
        assertTrue(r.oracle(48).value() >= r.reward(48, 0).value());
        assertTrue(r.reward(8, 0).value() > r.base().value());
    }
}
