package dev.qprobe.probe.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link VectorMath} on the Vector API, with two independent accumulators per reduction. */
final class SimdMath extends VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        // Four independent accumulators hide the FMA latency; one row at a time keeps a single
        // memory stream, which measured faster than interleaving several rows.
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S);
        FloatVector acc3 = FloatVector.zero(S);
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + j + L).fma(FloatVector.fromArray(S, b, bOff + j + L), acc1);
            acc2 = FloatVector.fromArray(S, a, aOff + j + 2 * L)
                    .fma(FloatVector.fromArray(S, b, bOff + j + 2 * L), acc2);
            acc3 = FloatVector.fromArray(S, a, aOff + j + 3 * L)
                    .fma(FloatVector.fromArray(S, b, bOff + j + 3 * L), acc3);
        }
        for (; j + L <= n; j += L) {
            acc0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), acc0);
        }
        float s = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[aOff + j] * b[bOff + j];
        }
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(S, x, xOff + j).fma(va, FloatVector.fromArray(S, y, yOff + j))
                    .intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] += alpha * x[xOff + j];
        }
    }

    @Override
    public void axpy8(float[] a, int aAt, float[] x, int[] offsets, int oAt, float[] y, int n) {
        FloatVector a0 = FloatVector.broadcast(S, a[aAt]);
        FloatVector a1 = FloatVector.broadcast(S, a[aAt + 1]);
        FloatVector a2 = FloatVector.broadcast(S, a[aAt + 2]);
        FloatVector a3 = FloatVector.broadcast(S, a[aAt + 3]);
        FloatVector a4 = FloatVector.broadcast(S, a[aAt + 4]);
        FloatVector a5 = FloatVector.broadcast(S, a[aAt + 5]);
        FloatVector a6 = FloatVector.broadcast(S, a[aAt + 6]);
        FloatVector a7 = FloatVector.broadcast(S, a[aAt + 7]);
        int o0 = offsets[oAt];
        int o1 = offsets[oAt + 1];
        int o2 = offsets[oAt + 2];
        int o3 = offsets[oAt + 3];
        int o4 = offsets[oAt + 4];
        int o5 = offsets[oAt + 5];
        int o6 = offsets[oAt + 6];
        int o7 = offsets[oAt + 7];
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector t0 = FloatVector.fromArray(S, x, o1 + j).fma(a1, FloatVector.fromArray(S, x, o0 + j).mul(a0));
            FloatVector t1 = FloatVector.fromArray(S, x, o3 + j).fma(a3, FloatVector.fromArray(S, x, o2 + j).mul(a2));
            FloatVector t2 = FloatVector.fromArray(S, x, o5 + j).fma(a5, FloatVector.fromArray(S, x, o4 + j).mul(a4));
            FloatVector t3 = FloatVector.fromArray(S, x, o7 + j).fma(a7, FloatVector.fromArray(S, x, o6 + j).mul(a6));
            FloatVector.fromArray(S, y, j).add(t0.add(t1).add(t2.add(t3))).intoArray(y, j);
        }
        for (; j < n; j++) {
            float s = 0;
            for (int r = 0; r < 8; r++) {
                s += a[aAt + r] * x[offsets[oAt + r] + j];
            }
            y[j] += s;
        }
    }

    @Override
    public float sum(float[] a, int off, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + j));
            acc1 = acc1.add(FloatVector.fromArray(S, a, off + j + L));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            s += a[off + j];
        }
        return s;
    }

    @Override
    public String describe() {
        return "simd(" + S.vectorBitSize() + "-bit)";
    }
}
