package dev.qprobe.probe.cpu;

/**
 * Dot products and axpy over float arrays: the two inner loops of linear-probe training.
 * Uses the Vector API (SIMD) when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; otherwise a scalar loop, so the library still works
 * in any JVM, only slower.
 */
public abstract class VectorMath {

    /** The implementation in use. */
    public static final VectorMath INSTANCE = create();

    private static VectorMath create() {
        boolean simd = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !Boolean.getBoolean("qprobe.noSimd");
        // SimdMath is only loaded when its module is present.
        return simd ? new SimdMath() : new ScalarMath();
    }

    /** sum_j a[aOff + j] * b[bOff + j] for j < n. */
    public abstract float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** y[yOff + j] += alpha * x[xOff + j] for j < n. */
    public abstract void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * y[0..n) += sum over r < 8 of a[aAt + r] * x[offsets[oAt + r] ..]: eight rows per read and
     * write of y, summed as a tree so the multiply-adds do not wait on one another.
     */
    public void axpy8(float[] a, int aAt, float[] x, int[] offsets, int oAt, float[] y, int n) {
        for (int r = 0; r < 8; r++) {
            axpy(a[aAt + r], x, offsets[oAt + r], y, 0, n);
        }
    }

    /** Sum of a[off .. off + n): a pure streaming read, used to measure memory bandwidth. */
    public abstract float sum(float[] a, int off, int n);

    /** True for the Vector API implementation. */
    public boolean simd() {
        return !(this instanceof ScalarMath);
    }

    /** "simd(256-bit)" or "scalar". */
    public abstract String describe();

    static final class ScalarMath extends VectorMath {
        @Override
        public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            // Four accumulators break the add dependency chain.
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 3 < n; j += 4) {
                s0 += a[aOff + j] * b[bOff + j];
                s1 += a[aOff + j + 1] * b[bOff + j + 1];
                s2 += a[aOff + j + 2] * b[bOff + j + 2];
                s3 += a[aOff + j + 3] * b[bOff + j + 3];
            }
            for (; j < n; j++) {
                s0 += a[aOff + j] * b[bOff + j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            for (int j = 0; j < n; j++) {
                y[yOff + j] += alpha * x[xOff + j];
            }
        }

        @Override
        public float sum(float[] a, int off, int n) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 3 < n; j += 4) {
                s0 += a[off + j];
                s1 += a[off + j + 1];
                s2 += a[off + j + 2];
                s3 += a[off + j + 3];
            }
            for (; j < n; j++) {
                s0 += a[off + j];
            }
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        public String describe() {
            return "scalar";
        }
    }
}
