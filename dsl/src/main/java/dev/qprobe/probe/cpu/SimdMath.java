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
