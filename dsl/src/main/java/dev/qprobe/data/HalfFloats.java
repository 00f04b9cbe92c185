package dev.qprobe.data;

/**
 * Conversions between float32 and the two 16-bit formats, bit for bit: widening is exact for
 * both; narrowing rounds to nearest, ties to even, as PyTorch and NumPy do.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** A bfloat16 value (given as its 16 bits) as a float: the bits become the float's top half. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /**
     * The bfloat16 nearest to {@code value} (ties to even). Finite floats above bfloat16's largest
     * value round to infinity; NaN stays NaN.
     */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);  // keep it a NaN after truncation
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /**
     * Widens an IEEE 754 half-precision value (given as its 16 bits) to float, exactly: every half
     * value, subnormals included, is representable as a float. NaN payloads and signs are kept.
     */
    public static float f16ToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            // Infinity (mantissa 0) or NaN: all-ones float exponent, payload moved to the top.
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half, normal float: shift the leading 1 into the implicit-bit position (bit 10).
            int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
            mantissa = (mantissa << shift) & 0x3FF;
            exponent = 1 - shift;
        }
        // Rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The half-precision value nearest to {@code value} (ties to even); beyond 65504 it is infinity. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 112;  // rebias from 127 to 15
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;  // below half the smallest subnormal: rounds to zero
            }
            // Subnormal half: restore the implicit bit and shift it into place, rounding.
            int m = mantissa | 0x80_0000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;  // may carry into the exponent, up to infinity: still correct
        }
        return (short) (sign | half);
    }

    /** True when the 16 bits are a finite value of {@code precision} (F16 or BF16). */
    public static boolean isFinite(short bits, FeaturePrecision precision) {
        int mask = precision == FeaturePrecision.BF16 ? 0x7F80 : 0x7C00;
        return (bits & mask) != mask;
    }
}
