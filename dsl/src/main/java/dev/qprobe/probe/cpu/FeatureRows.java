package dev.qprobe.probe.cpu;

import dev.qprobe.data.BufferStore;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.FloatArrayStore;
import dev.qprobe.data.PackedBf16Store;
import java.nio.ByteOrder;

/**
 * The rows of a {@link FeatureMatrix} as the linear kernel reads them: dot products with a
 * coefficient vector and gradient accumulation, straight from the matrix's store. Each store
 * kind has its own loops (float32 arrays; float32, float16 or bfloat16 byte buffers, widened to
 * float32 in registers), so no epoch pays for a conversion pass or a copy.
 *
 * <p>Rows are addressed by handles from {@link #handles}, computed once per group, so the hot
 * loops do no row-to-store lookups of their own.
 */
abstract class FeatureRows {
    protected final int dim;

    FeatureRows(int dim) {
        this.dim = dim;
    }

    /** The kernel for {@code matrix}'s store: SIMD when the Vector API is present, else decoding rows. */
    static FeatureRows of(FeatureMatrix matrix) {
        VectorMath math = VectorMath.INSTANCE;
        if (matrix.store() instanceof FloatArrayStore store) {
            return new FloatArrayRows(matrix, store, math);
        }
        if (!math.simd()) {
            return new DecodingRows(matrix, math);
        }
        if (matrix.store() instanceof PackedBf16Store store) {
            return PairRows.heap(matrix, store);
        }
        BufferStore store = (BufferStore) matrix.store();
        if (store.precision() == FeaturePrecision.F32) {
            return new MappedFloatRows(matrix, store, math);
        }
        return store.order() == ByteOrder.LITTLE_ENDIAN ? PairRows.mapped(matrix, store)
                : new DecodingRows(matrix, math);
    }

    /**
     * {@code v} (dim coefficients, then anything) in the order this kernel wants the vectors it
     * dots rows with and accumulates into; the identity for float32.
     */
    float[] kernelLayout(float[] v) {
        return v;
    }

    /** Undoes {@link #kernelLayout} on an accumulated vector, in place. */
    void naturalLayout(float[] y) {
    }

    /** Handles of the given matrix rows, for the methods below. */
    abstract int[] handles(int[] rows);

    /** v . row, over the first dim entries of v. */
    abstract float dot(float[] v, int handle);

    /** y += alpha * row. */
    abstract void axpy(float alpha, int handle, float[] y);

    /** y += sum over r < 8 of a[at + r] * row(handles[hAt + r]), summed as a tree per read of y. */
    abstract void axpy8(float[] a, int at, int[] handles, int hAt, float[] y);

    /** Sum of the row's values: a pure streaming read, the bandwidth reference for benchmarks. */
    abstract float sum(int handle);

    /** "f32 array", "bf16 buffers (mapped)": what the kernel reads, for benchmark output. */
    abstract String describe();

    /** Heap float32: the existing {@link VectorMath} loops over one array. */
    private static final class FloatArrayRows extends FeatureRows {
        private final FeatureMatrix matrix;
        private final FloatArrayStore store;
        private final float[] x;
        private final VectorMath math;

        FloatArrayRows(FeatureMatrix matrix, FloatArrayStore store, VectorMath math) {
            super(matrix.dim());
            this.matrix = matrix;
            this.store = store;
            this.x = store.array();
            this.math = math;
        }

        @Override
        int[] handles(int[] rows) {
            int[] offsets = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                offsets[i] = store.offset(matrix.storeRow(rows[i]));
            }
            return offsets;
        }

        @Override
        float dot(float[] v, int handle) {
            return math.dot(v, 0, x, handle, dim);
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            math.axpy(alpha, x, handle, y, 0, dim);
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            math.axpy8(a, at, x, handles, hAt, y, dim);
        }

        @Override
        float sum(int handle) {
            return math.sum(x, handle, dim);
        }

        @Override
        String describe() {
            return "f32 array, " + math.describe();
        }
    }

    /**
     * Float32 mapped from a file: each row copied into a per-thread float array (a bulk copy that
     * stays in cache), then the float32 loops; vector loads straight from a mapped buffer measured
     * several times slower on JDK 17.
     */
    private static final class MappedFloatRows extends FeatureRows {
        private final FeatureMatrix matrix;
        private final BufferStore store;
        private final java.nio.FloatBuffer[] views;
        private final VectorMath math;
        private final ThreadLocal<float[]> scratch;

        MappedFloatRows(FeatureMatrix matrix, BufferStore store, VectorMath math) {
            super(matrix.dim());
            this.matrix = matrix;
            this.store = store;
            this.math = math;
            this.views = new java.nio.FloatBuffer[store.segmentCount()];
            for (int s = 0; s < views.length; s++) {
                views[s] = store.segment(s).asFloatBuffer();
            }
            this.scratch = ThreadLocal.withInitial(() -> new float[8 * matrix.dim()]);
        }

        /** Copies row {@code handle} into slot {@code slot} of the scratch array. */
        private float[] load(int handle, int slot, float[] dst) {
            int s = store.segmentOf(handle);
            views[s].get(store.byteOffset(handle, s) / Float.BYTES, dst, slot * dim, dim);
            return dst;
        }

        @Override
        int[] handles(int[] rows) {
            int[] storeRows = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                storeRows[i] = matrix.storeRow(rows[i]);
            }
            return storeRows;
        }

        @Override
        float dot(float[] v, int handle) {
            return math.dot(v, 0, load(handle, 0, scratch.get()), 0, dim);
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            math.axpy(alpha, load(handle, 0, scratch.get()), 0, y, 0, dim);
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            float[] rows = scratch.get();
            int[] offsets = new int[8];
            for (int r = 0; r < 8; r++) {
                load(handles[hAt + r], r, rows);
                offsets[r] = r * dim;
            }
            math.axpy8(a, at, rows, offsets, 0, y, dim);
        }

        @Override
        float sum(int handle) {
            return math.sum(load(handle, 0, scratch.get()), 0, dim);
        }

        @Override
        String describe() {
            return "f32 mapped, copied per row, " + math.describe();
        }
    }

    /** Any store without the Vector API: each row widened into a scratch array, then the scalar loops. */
    private static final class DecodingRows extends FeatureRows {
        private final FeatureMatrix matrix;
        private final VectorMath math;
        private final ThreadLocal<float[]> scratch;

        DecodingRows(FeatureMatrix matrix, VectorMath math) {
            super(matrix.dim());
            this.matrix = matrix;
            this.math = math;
            this.scratch = ThreadLocal.withInitial(() -> new float[matrix.dim()]);
        }

        private float[] row(int handle) {
            float[] r = scratch.get();
            matrix.store().copyRow(handle, r, 0);
            return r;
        }

        @Override
        int[] handles(int[] rows) {
            int[] storeRows = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                storeRows[i] = matrix.storeRow(rows[i]);
            }
            return storeRows;
        }

        @Override
        float dot(float[] v, int handle) {
            return math.dot(v, 0, row(handle), 0, dim);
        }

        @Override
        void axpy(float alpha, int handle, float[] y) {
            math.axpy(alpha, row(handle), 0, y, 0, dim);
        }

        @Override
        void axpy8(float[] a, int at, int[] handles, int hAt, float[] y) {
            for (int r = 0; r < 8; r++) {
                axpy(a[at + r], handles[hAt + r], y);
            }
        }

        @Override
        float sum(int handle) {
            return math.sum(row(handle), 0, dim);
        }

        @Override
        String describe() {
            return matrix.precision() + " decoded per row, " + math.describe();
        }
    }
}
