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
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + j + L).fma(FloatVector.fromArray(S, b, bOff + j + L), acc1);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
    public void dot4(float[] v, float[] x, int o0, int o1, int o2, int o3, int n, float[] out, int at) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector w = FloatVector.fromArray(S, v, j);
            s0 = FloatVector.fromArray(S, x, o0 + j).fma(w, s0);
            s1 = FloatVector.fromArray(S, x, o1 + j).fma(w, s1);
            s2 = FloatVector.fromArray(S, x, o2 + j).fma(w, s2);
            s3 = FloatVector.fromArray(S, x, o3 + j).fma(w, s3);
        }
        float r0 = s0.reduceLanes(VectorOperators.ADD);
        float r1 = s1.reduceLanes(VectorOperators.ADD);
        float r2 = s2.reduceLanes(VectorOperators.ADD);
        float r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) {
            r0 += v[j] * x[o0 + j];
            r1 += v[j] * x[o1 + j];
            r2 += v[j] * x[o2 + j];
            r3 += v[j] * x[o3 + j];
        }
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
    }

    @Override
    public void axpy4(float a0, float a1, float a2, float a3, float[] x, int o0, int o1, int o2, int o3,
                      float[] y, int n) {
        FloatVector v0 = FloatVector.broadcast(S, a0);
        FloatVector v1 = FloatVector.broadcast(S, a1);
        FloatVector v2 = FloatVector.broadcast(S, a2);
        FloatVector v3 = FloatVector.broadcast(S, a3);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector acc = FloatVector.fromArray(S, y, j);
            acc = FloatVector.fromArray(S, x, o0 + j).fma(v0, acc);
            acc = FloatVector.fromArray(S, x, o1 + j).fma(v1, acc);
            acc = FloatVector.fromArray(S, x, o2 + j).fma(v2, acc);
            acc = FloatVector.fromArray(S, x, o3 + j).fma(v3, acc);
            acc.intoArray(y, j);
        }
        for (; j < n; j++) {
            y[j] += a0 * x[o0 + j] + a1 * x[o1 + j] + a2 * x[o2 + j] + a3 * x[o3 + j];
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
