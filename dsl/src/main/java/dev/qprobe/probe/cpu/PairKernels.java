package dev.qprobe.probe.cpu;

import dev.qprobe.data.HalfFloats;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD loops over rows of 16-bit values packed two per int (value 2i in the low half): one int
 * load yields two float vectors, the even values ({@code x << 16} for bfloat16) and the odd ones
 * ({@code x & 0xFFFF0000}), with no lane-changing conversion. The vectors a row is dotted with or
 * accumulated into are kept in the matching "kernel layout": per block of 2L values, the L even
 * values, then the L odd ones ({@link #toKernelLayout}); values after the last whole block stay
 * in place and are done one at a time.
 *
 * <p>Float16 widens with a shift and a mask plus one multiply by 2^112 that rebiases the exponent,
 * exact for every finite value, subnormals included (stores hold finite values only).
 *
 * <p>One method per format and operation, so every loop's loads are inlined; loaded only when
 * the {@code jdk.incubator.vector} module is present.
 */
final class PairKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final int L = F.length();
    private static final float F16_REBIAS = 0x1p112f;

    private PairKernels() {
    }

    /** {@code v}'s first dim entries in kernel layout; entries from dim on are copied as they are. */
    static float[] toKernelLayout(float[] v, int dim) {
        float[] k = v.clone();
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int e = 2 * L * b;
            for (int i = 0; i < L; i++) {
                k[e + i] = v[e + 2 * i];
                k[e + L + i] = v[e + 2 * i + 1];
            }
        }
        return k;
    }

    /** Puts {@code k}'s first dim entries back from kernel layout into natural order, in place. */
    static void toNaturalLayout(float[] k, int dim) {
        float[] block = new float[2 * L];
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int e = 2 * L * b;
            for (int i = 0; i < L; i++) {
                block[2 * i] = k[e + i];
                block[2 * i + 1] = k[e + L + i];
            }
            System.arraycopy(block, 0, k, e, 2 * L);
        }
    }

    private static FloatVector evenBf16(IntVector x) {
        return x.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector oddBf16(IntVector x) {
        return x.and(0xFFFF_0000).reinterpretAsFloats();
    }

    private static float scalarBf16(int[] a, int off, int t) {
        return HalfFloats.bf16ToFloat((short) (a[off + t / 2] >>> (16 * (t & 1))));
    }

    /**
     * A half in an int's top 16 bits, shifted right by 3 with its sign: exponent and mantissa land
     * where a float keeps them, the mask clears the sign's copies, and 2^112 rebiases the exponent
     * (the sign rides along through the multiply).
     */
    private static FloatVector widenTopF16(IntVector top) {
        return top.lanewise(VectorOperators.ASHR, 3).and(0x8FFF_E000).reinterpretAsFloats().mul(F16_REBIAS);
    }

    private static FloatVector evenF16(IntVector x) {
        return widenTopF16(x.lanewise(VectorOperators.LSHL, 16));
    }

    private static FloatVector oddF16(IntVector x) {
        return widenTopF16(x);
    }

    private static float scalarF16(int[] a, int off, int t) {
        return HalfFloats.f16ToFloat((short) (a[off + t / 2] >>> (16 * (t & 1))));
    }

    /** v . row for Bf16 pairs a[off ..], v in kernel layout. */
    static float dotBf16(int[] a, int off, float[] v, int dim) {
        int nb = dim / (2 * L);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int b = 0;
        for (; b + 2 <= nb; b += 2) {
            IntVector x0 = IntVector.fromArray(I, a, off + b * L);
            IntVector x1 = IntVector.fromArray(I, a, off + (b + 1) * L);
            acc0 = evenBf16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b), acc0);
            acc1 = oddBf16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b + L), acc1);
            acc2 = evenBf16(x1).fma(FloatVector.fromArray(F, v, 2 * L * (b + 1)), acc2);
            acc3 = oddBf16(x1).fma(FloatVector.fromArray(F, v, 2 * L * (b + 1) + L), acc3);
        }
        for (; b < nb; b++) {
            IntVector x0 = IntVector.fromArray(I, a, off + b * L);
            acc0 = evenBf16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b), acc0);
            acc1 = oddBf16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b + L), acc1);
        }
        float s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (int t = 2 * L * nb; t < dim; t++) {
            s += v[t] * scalarBf16(a, off, t);
        }
        return s;
    }

    /** y += alpha * row, y in kernel layout. */
    static void axpyBf16(float alpha, int[] a, int off, float[] y, int dim) {
        int nb = dim / (2 * L);
        FloatVector c = FloatVector.broadcast(F, alpha);
        for (int b = 0; b < nb; b++) {
            IntVector x = IntVector.fromArray(I, a, off + b * L);
            int e = 2 * L * b;
            evenBf16(x).fma(c, FloatVector.fromArray(F, y, e)).intoArray(y, e);
            oddBf16(x).fma(c, FloatVector.fromArray(F, y, e + L)).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            y[t] += alpha * scalarBf16(a, off, t);
        }
    }

    /**
     * y += sum over r < 8 of c[at + r] * row r (arrays a[r] from o[r]), y in kernel layout: as two
     * four-row passes, which C2 still inlines whole (an eight-row loop body did not, and boxed its vectors).
     */
    static void axpy8Bf16(float[] c, int at, int[][] a, int[] o, float[] y, int dim) {
        axpy4Bf16(c, at, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], y, dim);
        axpy4Bf16(c, at + 4, a[4], o[4], a[5], o[5], a[6], o[6], a[7], o[7], y, dim);
    }

    private static void axpy4Bf16(float[] c, int at, int[] a0, int o0, int[] a1, int o1, int[] a2, int o2,
                                 int[] a3, int o3, float[] y, int dim) {
        FloatVector c0 = FloatVector.broadcast(F, c[at]);
        FloatVector c1 = FloatVector.broadcast(F, c[at + 1]);
        FloatVector c2 = FloatVector.broadcast(F, c[at + 2]);
        FloatVector c3 = FloatVector.broadcast(F, c[at + 3]);
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int p = b * L;
            IntVector x0 = IntVector.fromArray(I, a0, o0 + p);
            IntVector x1 = IntVector.fromArray(I, a1, o1 + p);
            IntVector x2 = IntVector.fromArray(I, a2, o2 + p);
            IntVector x3 = IntVector.fromArray(I, a3, o3 + p);
            int e = 2 * p;
            FloatVector e01 = evenBf16(x1).fma(c1, evenBf16(x0).mul(c0));
            FloatVector e23 = evenBf16(x3).fma(c3, evenBf16(x2).mul(c2));
            FloatVector.fromArray(F, y, e).add(e01.add(e23)).intoArray(y, e);
            FloatVector d01 = oddBf16(x1).fma(c1, oddBf16(x0).mul(c0));
            FloatVector d23 = oddBf16(x3).fma(c3, oddBf16(x2).mul(c2));
            FloatVector.fromArray(F, y, e + L).add(d01.add(d23)).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            y[t] += c[at] * scalarBf16(a0, o0, t) + c[at + 1] * scalarBf16(a1, o1, t)
                    + c[at + 2] * scalarBf16(a2, o2, t) + c[at + 3] * scalarBf16(a3, o3, t);
        }
    }

    /** Sum of the row's values. */
    static float sumBf16(int[] a, int off, int dim) {
        int nb = dim / (2 * L);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            IntVector x = IntVector.fromArray(I, a, off + b * L);
            acc0 = acc0.add(evenBf16(x));
            acc1 = acc1.add(oddBf16(x));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (int t = 2 * L * nb; t < dim; t++) {
            s += scalarBf16(a, off, t);
        }
        return s;
    }

    /** v . row for F16 pairs a[off ..], v in kernel layout. */
    static float dotF16(int[] a, int off, float[] v, int dim) {
        int nb = dim / (2 * L);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int b = 0;
        for (; b + 2 <= nb; b += 2) {
            IntVector x0 = IntVector.fromArray(I, a, off + b * L);
            IntVector x1 = IntVector.fromArray(I, a, off + (b + 1) * L);
            acc0 = evenF16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b), acc0);
            acc1 = oddF16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b + L), acc1);
            acc2 = evenF16(x1).fma(FloatVector.fromArray(F, v, 2 * L * (b + 1)), acc2);
            acc3 = oddF16(x1).fma(FloatVector.fromArray(F, v, 2 * L * (b + 1) + L), acc3);
        }
        for (; b < nb; b++) {
            IntVector x0 = IntVector.fromArray(I, a, off + b * L);
            acc0 = evenF16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b), acc0);
            acc1 = oddF16(x0).fma(FloatVector.fromArray(F, v, 2 * L * b + L), acc1);
        }
        float s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (int t = 2 * L * nb; t < dim; t++) {
            s += v[t] * scalarF16(a, off, t);
        }
        return s;
    }

    /** y += alpha * row, y in kernel layout. */
    static void axpyF16(float alpha, int[] a, int off, float[] y, int dim) {
        int nb = dim / (2 * L);
        FloatVector c = FloatVector.broadcast(F, alpha);
        for (int b = 0; b < nb; b++) {
            IntVector x = IntVector.fromArray(I, a, off + b * L);
            int e = 2 * L * b;
            evenF16(x).fma(c, FloatVector.fromArray(F, y, e)).intoArray(y, e);
            oddF16(x).fma(c, FloatVector.fromArray(F, y, e + L)).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            y[t] += alpha * scalarF16(a, off, t);
        }
    }

    /**
     * y += sum over r < 8 of c[at + r] * row r (arrays a[r] from o[r]), y in kernel layout: as two
     * four-row passes, which C2 still inlines whole (an eight-row loop body did not, and boxed its vectors).
     */
    static void axpy8F16(float[] c, int at, int[][] a, int[] o, float[] y, int dim) {
        for (int r = 0; r < 8; r += 2) {
            axpy2F16(c[at + r], a[r], o[r], c[at + r + 1], a[r + 1], o[r + 1], y, dim);
        }
    }

    /** Float16's widening is longer than bfloat16's: two rows per pass keep the loop inlined whole. */
    private static void axpy2F16(float c0, int[] a0, int o0, float c1, int[] a1, int o1, float[] y, int dim) {
        FloatVector v0 = FloatVector.broadcast(F, c0);
        FloatVector v1 = FloatVector.broadcast(F, c1);
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int p = b * L;
            IntVector x0 = IntVector.fromArray(I, a0, o0 + p);
            IntVector x1 = IntVector.fromArray(I, a1, o1 + p);
            int e = 2 * p;
            evenF16(x1).fma(v1, evenF16(x0).fma(v0, FloatVector.fromArray(F, y, e))).intoArray(y, e);
            oddF16(x1).fma(v1, oddF16(x0).fma(v0, FloatVector.fromArray(F, y, e + L))).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            y[t] += c0 * scalarF16(a0, o0, t) + c1 * scalarF16(a1, o1, t);
        }
    }

    /** Sum of the row's values. */
    static float sumF16(int[] a, int off, int dim) {
        int nb = dim / (2 * L);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            IntVector x = IntVector.fromArray(I, a, off + b * L);
            acc0 = acc0.add(evenF16(x));
            acc1 = acc1.add(oddF16(x));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (int t = 2 * L * nb; t < dim; t++) {
            s += scalarF16(a, off, t);
        }
        return s;
    }
}
