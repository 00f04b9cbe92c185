package dev.qprobe.probe.cpu;

import dev.qprobe.data.BufferStore;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.PackedBf16Store;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;

/**
 * {@link FeatureRows} for 16-bit rows with the {@link PairKernels}: heap bfloat16 read in place
 * from its packed int arrays, or little-endian float16/bfloat16 mapped from files, each row
 * first copied into a small per-thread int array (a bulk copy that stays in cache: loading
 * vectors straight from a mapped buffer measured several times slower on JDK 17).
 */
final class PairRows extends FeatureRows {
    private final FeatureMatrix matrix;
    private final boolean f16;
    private final PackedBf16Store heap;
    private final BufferStore mapped;
    private final IntBuffer[] views;
    private final int stride;
    private final ThreadLocal<int[][]> scratch;

    private PairRows(FeatureMatrix matrix, PackedBf16Store heap, BufferStore mapped) {
        super(matrix.dim());
        this.matrix = matrix;
        this.f16 = matrix.precision() == FeaturePrecision.F16;
        this.heap = heap;
        this.mapped = mapped;
        this.stride = PackedBf16Store.strideOf(dim);
        this.views = new IntBuffer[mapped == null ? 0 : mapped.segmentCount()];
        for (int s = 0; s < views.length; s++) {
            views[s] = mapped.segment(s).asIntBuffer();
        }
        this.scratch = ThreadLocal.withInitial(() -> new int[8][stride]);
    }

    static PairRows heap(FeatureMatrix matrix, PackedBf16Store store) {
        return new PairRows(matrix, store, null);
    }

    /** For a little-endian float16 or bfloat16 buffer store. */
    static PairRows mapped(FeatureMatrix matrix, BufferStore store) {
        return new PairRows(matrix, null, store);
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
    float[] kernelLayout(float[] v) {
        return PairKernels.toKernelLayout(v, dim);
    }

    @Override
    void naturalLayout(float[] y) {
        PairKernels.toNaturalLayout(y, dim);
    }

    /** The int array holding row {@code handle}'s pairs, from index 0 for mapped rows (slot-th scratch). */
    private int[] array(int handle, int slot) {
        if (heap != null) {
            return heap.segmentOf(handle);
        }
        int[] dst = scratch.get()[slot];
        int s = mapped.segmentOf(handle);
        int at = mapped.byteOffset(handle, s);
        int whole = dim / 2;
        if ((at & 3) == 0) {
            views[s].get(at / 4, dst, 0, whole);
            if ((dim & 1) == 1) {
                dst[whole] = mapped.segment(s).getShort(at + 4 * whole) & 0xFFFF;
            }
        } else {
            // Odd dim: every other row starts mid-int.
            ByteBuffer b = mapped.segment(s);
            for (int i = 0; i < stride; i++) {
                int lo = b.getShort(at + 4 * i) & 0xFFFF;
                int hi = 2 * i + 1 < dim ? b.getShort(at + 4 * i + 2) & 0xFFFF : 0;
                dst[i] = lo | hi << 16;
            }
        }
        return dst;
    }

    private int offset(int handle) {
        return heap != null ? heap.offset(handle) : 0;
    }

    @Override
    float dot(float[] v, int handle) {
        int[] a = array(handle, 0);
        int off = offset(handle);
        return f16 ? PairKernels.dotF16(a, off, v, dim) : PairKernels.dotBf16(a, off, v, dim);
    }

    @Override
    void axpy(float alpha, int handle, float[] y) {
        int[] a = array(handle, 0);
        int off = offset(handle);
        if (f16) {
            PairKernels.axpyF16(alpha, a, off, y, dim);
        } else {
            PairKernels.axpyBf16(alpha, a, off, y, dim);
        }
    }

    @Override
    void axpy8(float[] c, int at, int[] handles, int hAt, float[] y) {
        int[][] a = new int[8][];
        int[] o = new int[8];
        for (int r = 0; r < 8; r++) {
            a[r] = array(handles[hAt + r], r);
            o[r] = offset(handles[hAt + r]);
        }
        if (f16) {
            PairKernels.axpy8F16(c, at, a, o, y, dim);
        } else {
            PairKernels.axpy8Bf16(c, at, a, o, y, dim);
        }
    }

    @Override
    float sum(int handle) {
        int[] a = array(handle, 0);
        int off = offset(handle);
        return f16 ? PairKernels.sumF16(a, off, dim) : PairKernels.sumBf16(a, off, dim);
    }

    @Override
    String describe() {
        return matrix.precision() + (heap != null ? " heap, packed pairs" : " mapped, copied per row") + ", simd("
                + PairKernels.F.vectorBitSize() + "-bit)";
    }
}
