package dev.qprobe.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The 16-bit conversions, exhaustively where the formats allow it. */
class HalfFloatsTest {

    @Test
    void bf16RoundTripIsExactForEveryFiniteBf16Value() {
        for (int bits = 0; bits < 0x1_0000; bits++) {
            short h = (short) bits;
            if (!HalfFloats.isFinite(h, FeaturePrecision.BF16)) {
                continue;
            }
            float f = HalfFloats.bf16ToFloat(h);
            assertEquals(bits, HalfFloats.floatToBf16(f) & 0xFFFF, "bf16 bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void bf16RoundsToNearestTiesToEven() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to the even mantissa, 1.
        assertEquals(1f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-8f)));
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: ties to 1 + 2^-6.
        assertEquals(1f + 0x1p-6f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 3 * 0x1p-8f)));
        // Just above halfway rounds up.
        assertEquals(1f + 0x1p-7f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-20f)));
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            float x = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 5));
            float y = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
            assertTrue(Math.abs(y - x) <= Math.abs(x) * 0x1p-8f, x + " -> " + y);
        }
    }

    @Test
    void f16RoundTripIsExactForEveryFiniteHalf() {
        for (int bits = 0; bits < 0x1_0000; bits++) {
            short h = (short) bits;
            if (!HalfFloats.isFinite(h, FeaturePrecision.F16)) {
                continue;
            }
            assertEquals(bits, HalfFloats.floatToF16(HalfFloats.f16ToFloat(h)) & 0xFFFF,
                    "half bits " + Integer.toHexString(bits));
        }
    }

    @Test
    void f16NarrowingRoundsToNearestAndOverflowsToInfinity() {
        assertEquals(0x3C00, HalfFloats.floatToF16(1f + 0x1p-11f) & 0xFFFF);      // tie: to even (1.0)
        assertEquals(0x3C02, HalfFloats.floatToF16(1f + 3 * 0x1p-11f) & 0xFFFF);  // tie: to even (1 + 2^-9)
        assertEquals(0x0001, HalfFloats.floatToF16(0x1p-24f) & 0xFFFF);           // smallest subnormal
        assertEquals(0x0000, HalfFloats.floatToF16(0x1p-26f) & 0xFFFF);           // below half of it
        assertEquals(0x7C00, HalfFloats.floatToF16(70000f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloats.floatToF16(65504f) & 0xFFFF);
    }

    @Test
    void bf16MatrixHoldsValuesRoundedAndRejectsOverflow() {
        float[] values = {1f, -2.5f, 0x1p-100f, 3.140625f, 1e30f, 1f + 0x1p-9f};
        FeatureMatrix m = FeatureMatrix.bf16(values, 2, 3, "test");
        assertEquals(FeaturePrecision.BF16, m.precision());
        assertEquals(12, m.bytes());
        for (int i = 0; i < values.length; i++) {
            float expected = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]));
            assertEquals(expected, m.get(i / 3, i % 3));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.bf16(new float[] {0f, Float.MAX_VALUE}, 1, 2, "test"));
        assertTrue(e.getMessage().contains("row 0, column 1"), e.getMessage());
    }

    @Test
    void selectedRowsAreAViewOfTheSameStore() {
        float[] values = new float[12];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        FeatureMatrix m = FeatureMatrix.wrap(values, 4, 3, "test");
        FeatureMatrix view = m.selectRows(new int[] {3, 1}).selectRows(new int[] {1});
        assertTrue(view.store() == m.store());
        assertEquals(1, view.rows());
        assertEquals(3f, view.get(0, 0));
        float[] out = new float[3];
        view.copyRows(0, 1, out, 0);
        assertEquals(5f, out[2]);
    }
}
