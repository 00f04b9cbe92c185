package dev.qprobe.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Bfloat16 rows in the heap, two values per int (value 2i in the low half, 2i + 1 in the high
 * half, as a little-endian file lays them out), so a kernel widens a pair with one shift and one
 * mask instead of a lane-changing conversion. Rows are padded to whole ints and cut into arrays
 * of whole rows: a million 4,096-dim rows (8 GB) is four arrays.
 */
public final class PackedBf16Store implements FeatureStore {
    private final int[][] segments;
    private final int rowsPerSegment;
    private final int rows;
    private final int dim;
    private final int stride;

    private PackedBf16Store(int[][] segments, int rowsPerSegment, int rows, int dim) {
        this.segments = segments;
        this.rowsPerSegment = rowsPerSegment;
        this.rows = rows;
        this.dim = dim;
        this.stride = strideOf(dim);
    }

    /** Ints per row: dim / 2 rounded up. */
    public static int strideOf(int dim) {
        return (dim + 1) / 2;
    }

    /** The rows of {@code source} rounded to bfloat16 (nearest, ties to even). */
    static PackedBf16Store of(FeatureMatrix source) {
        int dim = source.dim();
        int stride = strideOf(dim);
        int perSegment = (int) Math.max(1, FeatureMatrix.MAX_ELEMENTS / stride);
        List<int[]> segments = new ArrayList<>();
        float[] row = new float[dim];
        for (int from = 0; from < source.rows(); from += perSegment) {
            int count = Math.min(perSegment, source.rows() - from);
            int[] packed = new int[count * stride];
            for (int r = 0; r < count; r++) {
                source.copyRows(from + r, 1, row, 0);
                for (int j = 0; j < dim; j++) {
                    short bits = HalfFloats.floatToBf16(row[j]);
                    if (!HalfFloats.isFinite(bits, FeaturePrecision.BF16)) {
                        throw new IllegalArgumentException("feature value " + row[j] + " at row " + (from + r)
                                + ", column " + j + " is beyond bfloat16's range");
                    }
                    packed[r * stride + j / 2] |= (bits & 0xFFFF) << (16 * (j & 1));
                }
            }
            segments.add(packed);
        }
        return new PackedBf16Store(segments.toArray(int[][]::new), perSegment, source.rows(), dim);
    }

    /** The array holding {@code row}; read-only use. */
    public int[] segmentOf(int row) {
        return segments[row / rowsPerSegment];
    }

    /** Index of the first int of {@code row} in {@link #segmentOf(int)}. */
    public int offset(int row) {
        return (row % rowsPerSegment) * stride;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public FeaturePrecision precision() {
        return FeaturePrecision.BF16;
    }

    @Override
    public void copyRow(int row, float[] dst, int off) {
        int[] a = segmentOf(row);
        int at = offset(row);
        for (int j = 0; j < dim; j++) {
            dst[off + j] = HalfFloats.bf16ToFloat((short) (a[at + j / 2] >>> (16 * (j & 1))));
        }
    }

    @Override
    public long bytes() {
        return (long) rows * dim * 2;
    }

    @Override
    public boolean mapped() {
        return false;
    }
}
