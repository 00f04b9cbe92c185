package dev.qprobe.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SelectionTest {
    private static final double EPS = 1e-12;

    @Test
    void softmaxMatchesHandComputedWeights() {
        // exp(q) = 1, 2, 3, 2 -> p = (1, 2, 3, 2) / 8
        double[] q = {0, Math.log(2), Math.log(3), Math.log(2)};
        assertArrayEquals(new double[] {1 / 8.0, 2 / 8.0, 3 / 8.0, 2 / 8.0}, Selection.probabilities(q, 1.0), EPS);
        // beta = 0.5 squares the weights: (1, 4, 9, 4) / 18
        assertArrayEquals(new double[] {1 / 18.0, 4 / 18.0, 9 / 18.0, 4 / 18.0},
                Selection.probabilities(q, 0.5), EPS);
    }

    @Test
    void softmaxIsStableForLargeScores() {
        double[] p = Selection.probabilities(new double[] {1000, 1000 + Math.log(3)}, 1.0);
        assertArrayEquals(new double[] {0.25, 0.75}, p, EPS);
        double[] tiny = Selection.probabilities(new double[] {-1e308, 1e308}, 1e-300);
        assertArrayEquals(new double[] {0, 1}, tiny, 0);
    }

    @Test
    void betaZeroIsArgmaxWithTiesSplitEvenly() {
        assertArrayEquals(new double[] {0, 1, 0}, Selection.probabilities(new double[] {1, 3, 2}, 0), 0);
        assertArrayEquals(new double[] {0, 0.5, 0, 0.5},
                Selection.probabilities(new double[] {1, 3, 2, 3}, 0), 0);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
                Selection.probabilities(new double[] {7, 7, 7}, 0), EPS);
        // Ties are exact: a score one ulp below the max gets nothing.
        assertArrayEquals(new double[] {0, 1}, Selection.probabilities(new double[] {Math.nextDown(1.0), 1.0}, 0), 0);
    }

    @Test
    void infiniteBetaIsUniform() {
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25},
                Selection.probabilities(new double[] {-1e308, 0, 5, 1e308}, Double.POSITIVE_INFINITY), 0);
    }

    @Test
    void chunkVariantsReadOnlyTheirChunk() {
        double[] q = {9, 0, Math.log(3), 9};
        double[] out = new double[2];
        Selection.probabilities(q, 1, 2, 1.0, out);
        assertArrayEquals(new double[] {0.25, 0.75}, out, EPS);
        int[] rows = {3, 2, 1, 0};
        Selection.probabilities(q, rows, 1, 2, 1.0, out);
        assertArrayEquals(new double[] {0.75, 0.25}, out, EPS);
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[] {1, 2}, -0.1));
        assertTrue(negative.getMessage().contains("beta must be >= 0"), negative.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[] {1, 2}, Double.NaN));
        assertTrue(nan.getMessage().contains("beta must be >= 0"), nan.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[0], 1));
        assertTrue(empty.getMessage().contains("0 candidates"), empty.getMessage());
        IllegalArgumentException nanScore = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[] {1, Double.NaN, 2}, 1));
        assertTrue(nanScore.getMessage().contains("at index 1"), nanScore.getMessage());
        IllegalArgumentException infScore = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[] {1, 2, Double.POSITIVE_INFINITY}, 0));
        assertTrue(infScore.getMessage().contains("at index 2"), infScore.getMessage());
        IllegalArgumentException rowScore = assertThrows(IllegalArgumentException.class,
                () -> Selection.probabilities(new double[] {1, Double.NaN}, new int[] {0, 1}, 0, 2, 1, new double[2]));
        assertTrue(rowScore.getMessage().contains("at index 1"), rowScore.getMessage());
    }

    @Test
    void klIsZeroForUniformAndLogKForOneHot() {
        assertEquals(0, Selection.klFromUniform(new double[] {0.25, 0.25, 0.25, 0.25}), EPS);
        assertEquals(Math.log(4), Selection.klFromUniform(new double[] {0, 0, 1, 0}), EPS);
        // Two of four tied at the max: KL = log 4 - log 2.
        assertEquals(Math.log(2), Selection.klFromUniform(new double[] {0.5, 0, 0.5, 0}), EPS);
        // p = (1/4, 3/4), k = 2: 1/4 log(1/2) + 3/4 log(3/2)
        assertEquals(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5),
                Selection.klFromUniform(new double[] {0.25, 0.75}), EPS);
        assertEquals(0, Selection.klFromUniform(new double[] {1}), 0);
        assertEquals(Math.log(2), Selection.klFromUniform(new double[] {9, 0, 1, 9}, 1, 2), EPS);
    }

    @Test
    void klRejectsBadDistributions() {
        assertThrows(IllegalArgumentException.class, () -> Selection.klFromUniform(new double[0]));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Selection.klFromUniform(new double[] {1.5, -0.5}));
        assertTrue(negative.getMessage().contains("index 1"), negative.getMessage());
    }

    @Test
    void expectedRewardIsTheWeightedSum() {
        assertEquals(0.5, Selection.expectedReward(new double[] {0.25, 0.25, 0.5}, new double[] {1, 1, 0}), EPS);
        assertEquals(0.7, Selection.expectedReward(new double[] {0.1, 0.9}, new double[] {-2, 1}), EPS);
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> Selection.expectedReward(new double[] {1}, new double[] {1, 0}));
        assertTrue(mismatch.getMessage().contains("p has 1 entries but rewards has 2"), mismatch.getMessage());
    }

    @Test
    void chooseFollowsTheSelectionDistribution() {
        double[] q = {0, Math.log(3)};
        SplittableRandom rng = new SplittableRandom(42);
        int draws = 40_000;
        int second = 0;
        for (int i = 0; i < draws; i++) {
            second += Selection.choose(q, 1.0, rng);
        }
        // p = 0.75; the standard error of the frequency is about 0.002.
        assertEquals(0.75, second / (double) draws, 0.01);
    }

    @Test
    void chooseWithBetaZeroPicksOnlyTiedMaxima() {
        double[] q = {1, 5, 2, 5};
        SplittableRandom rng = new SplittableRandom(7);
        int[] counts = new int[4];
        for (int i = 0; i < 10_000; i++) {
            counts[Selection.choose(q, 0, rng)]++;
        }
        assertEquals(0, counts[0]);
        assertEquals(0, counts[2]);
        assertEquals(5000, counts[1], 250);
    }

    @Test
    void chooseIsDeterministicGivenASeed() {
        double[] q = {0.3, 0.1, 0.9, 0.4, 0.2};
        SplittableRandom a = new SplittableRandom(3);
        SplittableRandom b = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            assertEquals(Selection.choose(q, 0.2, a), Selection.choose(q, 0.2, b));
        }
    }
}
