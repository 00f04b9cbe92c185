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
 * <p>Float16 widens with the same shifts plus one multiply by 2^112 that rebiases the exponent,
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

    private static FloatVector evenF16(IntVector x) {
        FloatVector magnitude = x.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(F16_REBIAS);
        IntVector sign = x.lanewise(VectorOperators.LSHL, 16).and(0x8000_0000);
        return magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    private static FloatVector oddF16(IntVector x) {
        // (x >>> 16 & 0x7FFF) << 13 in one shift and one mask.
        FloatVector magnitude = x.lanewise(VectorOperators.LSHR, 3).and(0x0FFF_E000).reinterpretAsFloats()
                .mul(F16_REBIAS);
        return magnitude.reinterpretAsInts().or(x.and(0x8000_0000)).reinterpretAsFloats();
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

    /** y += sum over r < 8 of c[at + r] * row r (arrays a[r] from o[r]), y in kernel layout. */
    static void axpy8Bf16(float[] c, int at, int[][] a, int[] o, float[] y, int dim) {
        FloatVector c0 = FloatVector.broadcast(F, c[at]);
        FloatVector c1 = FloatVector.broadcast(F, c[at + 1]);
        FloatVector c2 = FloatVector.broadcast(F, c[at + 2]);
        FloatVector c3 = FloatVector.broadcast(F, c[at + 3]);
        FloatVector c4 = FloatVector.broadcast(F, c[at + 4]);
        FloatVector c5 = FloatVector.broadcast(F, c[at + 5]);
        FloatVector c6 = FloatVector.broadcast(F, c[at + 6]);
        FloatVector c7 = FloatVector.broadcast(F, c[at + 7]);
        int[] a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
        int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int p = b * L;
            IntVector x0 = IntVector.fromArray(I, a0, o0 + p);
            IntVector x1 = IntVector.fromArray(I, a1, o1 + p);
            IntVector x2 = IntVector.fromArray(I, a2, o2 + p);
            IntVector x3 = IntVector.fromArray(I, a3, o3 + p);
            IntVector x4 = IntVector.fromArray(I, a4, o4 + p);
            IntVector x5 = IntVector.fromArray(I, a5, o5 + p);
            IntVector x6 = IntVector.fromArray(I, a6, o6 + p);
            IntVector x7 = IntVector.fromArray(I, a7, o7 + p);
            int e = 2 * p;
            FloatVector e01 = evenBf16(x1).fma(c1, evenBf16(x0).mul(c0));
            FloatVector e23 = evenBf16(x3).fma(c3, evenBf16(x2).mul(c2));
            FloatVector e45 = evenBf16(x5).fma(c5, evenBf16(x4).mul(c4));
            FloatVector e67 = evenBf16(x7).fma(c7, evenBf16(x6).mul(c6));
            FloatVector.fromArray(F, y, e).add(e01.add(e23).add(e45.add(e67))).intoArray(y, e);
            FloatVector d01 = oddBf16(x1).fma(c1, oddBf16(x0).mul(c0));
            FloatVector d23 = oddBf16(x3).fma(c3, oddBf16(x2).mul(c2));
            FloatVector d45 = oddBf16(x5).fma(c5, oddBf16(x4).mul(c4));
            FloatVector d67 = oddBf16(x7).fma(c7, oddBf16(x6).mul(c6));
            FloatVector.fromArray(F, y, e + L).add(d01.add(d23).add(d45.add(d67))).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            float s = 0;
            for (int r = 0; r < 8; r++) {
                s += c[at + r] * scalarBf16(a[r], o[r], t);
            }
            y[t] += s;
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

    /** y += sum over r < 8 of c[at + r] * row r (arrays a[r] from o[r]), y in kernel layout. */
    static void axpy8F16(float[] c, int at, int[][] a, int[] o, float[] y, int dim) {
        FloatVector c0 = FloatVector.broadcast(F, c[at]);
        FloatVector c1 = FloatVector.broadcast(F, c[at + 1]);
        FloatVector c2 = FloatVector.broadcast(F, c[at + 2]);
        FloatVector c3 = FloatVector.broadcast(F, c[at + 3]);
        FloatVector c4 = FloatVector.broadcast(F, c[at + 4]);
        FloatVector c5 = FloatVector.broadcast(F, c[at + 5]);
        FloatVector c6 = FloatVector.broadcast(F, c[at + 6]);
        FloatVector c7 = FloatVector.broadcast(F, c[at + 7]);
        int[] a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
        int o0 = o[0], o1 = o[1], o2 = o[2], o3 = o[3], o4 = o[4], o5 = o[5], o6 = o[6], o7 = o[7];
        int nb = dim / (2 * L);
        for (int b = 0; b < nb; b++) {
            int p = b * L;
            IntVector x0 = IntVector.fromArray(I, a0, o0 + p);
            IntVector x1 = IntVector.fromArray(I, a1, o1 + p);
            IntVector x2 = IntVector.fromArray(I, a2, o2 + p);
            IntVector x3 = IntVector.fromArray(I, a3, o3 + p);
            IntVector x4 = IntVector.fromArray(I, a4, o4 + p);
            IntVector x5 = IntVector.fromArray(I, a5, o5 + p);
            IntVector x6 = IntVector.fromArray(I, a6, o6 + p);
            IntVector x7 = IntVector.fromArray(I, a7, o7 + p);
            int e = 2 * p;
            FloatVector e01 = evenF16(x1).fma(c1, evenF16(x0).mul(c0));
            FloatVector e23 = evenF16(x3).fma(c3, evenF16(x2).mul(c2));
            FloatVector e45 = evenF16(x5).fma(c5, evenF16(x4).mul(c4));
            FloatVector e67 = evenF16(x7).fma(c7, evenF16(x6).mul(c6));
            FloatVector.fromArray(F, y, e).add(e01.add(e23).add(e45.add(e67))).intoArray(y, e);
            FloatVector d01 = oddF16(x1).fma(c1, oddF16(x0).mul(c0));
            FloatVector d23 = oddF16(x3).fma(c3, oddF16(x2).mul(c2));
            FloatVector d45 = oddF16(x5).fma(c5, oddF16(x4).mul(c4));
            FloatVector d67 = oddF16(x7).fma(c7, oddF16(x6).mul(c6));
            FloatVector.fromArray(F, y, e + L).add(d01.add(d23).add(d45.add(d67))).intoArray(y, e + L);
        }
        for (int t = 2 * L * nb; t < dim; t++) {
            float s = 0;
            for (int r = 0; r < 8; r++) {
                s += c[at + r] * scalarF16(a[r], o[r], t);
            }
            y[t] += s;
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
