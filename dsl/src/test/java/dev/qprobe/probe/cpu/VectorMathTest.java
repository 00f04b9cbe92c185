package dev.qprobe.probe.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SIMD kernels against the scalar fallback, at lengths that do and do not fill whole vectors. */
class VectorMathTest {
    private final VectorMath scalar = new VectorMath.ScalarMath();
    private final VectorMath active = VectorMath.INSTANCE;

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 64, 100, 4096})
    void kernelsAgreeWithTheScalarFallback(int n) {
        SplittableRandom rng = new SplittableRandom(n);
        float[] x = new float[9 * n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] v = java.util.Arrays.copyOfRange(x, 3, 3 + n);
        float tolerance = 1e-4f * n;
        assertEquals(scalar.dot(v, 0, x, 5, n), active.dot(v, 0, x, 5, n), tolerance);
        assertEquals(scalar.sum(x, 2, n), active.sum(x, 2, n), tolerance);

        float[] y1 = new float[n];
        float[] y2 = new float[n];
        scalar.axpy(0.5f, x, 1, y1, 0, n);
        active.axpy(0.5f, x, 1, y2, 0, n);
        assertArrayEquals(y1, y2, 1e-5f);

        float[] a = {0.1f, -2f, 0.5f, 3f, 0f, 1f, -0.25f, 7f};
        int[] offsets = {0, n, 2 * n, 3 * n, 4 * n + 1, 5 * n, 6 * n + 2, 7 * n};
        scalar.axpy8(a, 0, x, offsets, 0, y1, n);
        active.axpy8(a, 0, x, offsets, 0, y2, n);
        assertArrayEquals(y1, y2, 1e-4f);
        // The kernel really added something: compare one element with the definition.
        float expected = 0.5f * x[1];
        for (int r = 0; r < 8; r++) {
            expected += a[r] * x[offsets[r]];
        }
        assertEquals(expected, y1[0], 1e-4f);
        assertTrue(active.describe().startsWith("simd") || active.describe().equals("scalar"));
    }
}
