package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OracleTest {
    private static final double EPS = 1e-12;

    @Test
    void passAtKHandChecked() {
        assertEquals(0.5, Evaluation.passAtK(4, 1, 2), EPS);
        assertEquals(1 - 3 / 10.0, Evaluation.passAtK(5, 2, 2), EPS);
        assertEquals(0, Evaluation.passAtK(10, 0, 5), 0);
        assertEquals(1, Evaluation.passAtK(5, 4, 2), 0);
        assertEquals(0.3, Evaluation.passAtK(10, 3, 1), EPS);
        assertEquals(1, Evaluation.passAtK(3, 1, 3), 0);
    }

    @Test
    void bestOfKHandChecked() {
        // n = 3, k = 2: subsets {1,2},{1,3},{2,3} of rewards 1,2,3 have maxima 2,3,3 -> 8/3.
        assertEquals(8 / 3.0, Evaluation.bestOfK(new double[] {3, 1, 2}, 2), EPS);
        assertEquals(2, Evaluation.bestOfK(new double[] {3, 1, 2}, 1), EPS);
        assertEquals(3, Evaluation.bestOfK(new double[] {3, 1, 2}, 3), EPS);
        assertEquals(0.5, Evaluation.bestOfK(new double[] {0, 1, 0, 0}, 2), EPS);
        // Ties and negatives: rewards -1, -1, 0.5, k = 2: maxima -1, 0.5, 0.5 -> 0.
        assertEquals(0, Evaluation.bestOfK(new double[] {-1, 0.5, -1}, 2), EPS);
    }

    @Test
    void bestOfKMatchesBruteForceOverAllSubsets() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] r = new double[9];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.floor(rng.nextDouble() * 5) - 2; // ties on purpose
        }
        for (int k = 1; k <= r.length; k++) {
            double sum = 0;
            int count = 0;
            for (int mask = 0; mask < 1 << r.length; mask++) {
                if (Integer.bitCount(mask) == k) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < r.length; i++) {
                        if ((mask >> i & 1) == 1) {
                            max = Math.max(max, r[i]);
                        }
                    }
                    sum += max;
                    count++;
                }
            }
            assertEquals(sum / count, Evaluation.bestOfK(r, k), 1e-12, "k = " + k);
        }
    }

    @Test
    void bestOfKEqualsPassAtKForBinaryRewards() {
        for (int n : new int[] {1, 4, 5, 17, 48, 3000}) {
            for (int c = 0; c <= n; c += Math.max(1, n / 7)) {
                double[] r = new double[n];
                for (int i = 0; i < c; i++) {
                    r[i * 7 % n] = 1; // 7 is coprime to every n here: c distinct, scattered positions
                }
                for (int k : new int[] {1, 2, 3, 16, 48, 1000, n}) {
                    if (k <= n) {
                        assertEquals(Evaluation.passAtK(n, c, k), Evaluation.bestOfK(r, k), 1e-12,
                                "n = " + n + ", c = " + c + ", k = " + k);
                    }
                }
            }
        }
    }

    @Test
    void largeNStaysFinite() {
        double[] r = new double[5000];
        r[4999] = 1;
        // One correct of 5000, k = 2500: exactly one half.
        assertEquals(0.5, Evaluation.bestOfK(r, 2500), 1e-12);
        assertEquals(0.5, Evaluation.passAtK(5000, 1, 2500), 1e-12);
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.bestOfK(new double[] {1, 0}, 3));
        assertTrue(tooBig.getMessage().contains("k = 3 exceeds the n = 2"), tooBig.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.passAtK(5, 1, 0));
        assertTrue(zero.getMessage().contains("k must be >= 1"), zero.getMessage());
        IllegalArgumentException correct = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.passAtK(5, 6, 1));
        assertTrue(correct.getMessage().contains("correct = 6"), correct.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.bestOfK(new double[] {1, Double.NaN}, 1));
        assertTrue(nan.getMessage().contains("index 1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Evaluation.bestOfK(new double[0], 1));
    }
}
