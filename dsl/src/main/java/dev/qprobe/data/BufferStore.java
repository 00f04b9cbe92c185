package dev.qprobe.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of float32, float16 or bfloat16 values in byte buffers, usually memory-mapped files read
 * in place. A buffer holds at most 2 GiB, so
 * the rows are cut into segments of whole rows; a million 4,096-dim rows (8 GB in bfloat16) is
 * a few segments, read through the page cache rather than the heap.
 */
public final class BufferStore implements FeatureStore {
    /** Largest segment: a ByteBuffer is indexed by int. */
    static final int MAX_SEGMENT_BYTES = Integer.MAX_VALUE - 8;

    private final FeaturePrecision precision;
    private final ByteOrder order;
    private final int dim;
    private final int rowBytes;
    private final ByteBuffer[] segments;
    /** firstRow[s] is the first row of segment s; firstRow[segments.length] is the row count. */
    private final int[] firstRow;
    private final boolean mapped;

    private BufferStore(FeaturePrecision precision, ByteOrder order, int dim, ByteBuffer[] segments, int[] firstRow,
                        boolean mapped) {
        this.precision = precision;
        this.order = order;
        this.dim = dim;
        this.rowBytes = dim * precision.bytes();
        this.segments = segments;
        this.firstRow = firstRow;
        this.mapped = mapped;
    }

    /**
     * A store over {@code segments}, each holding whole rows of {@code dim} values from its
     * position 0 to its capacity. The buffers are not copied; callers must not change them.
     *
     * @throws IllegalArgumentException if a segment does not hold a whole number of rows, or there
     *                                  are 2^31 rows or more
     */
    public static BufferStore of(FeaturePrecision precision, ByteOrder order, int dim, List<ByteBuffer> segments,
                                 boolean mapped, String source) {
        if (dim <= 0) {
            throw new IllegalArgumentException(source + ": invalid feature dimension " + dim);
        }
        long rowBytes = (long) dim * precision.bytes();
        ByteBuffer[] held = new ByteBuffer[segments.size()];
        int[] first = new int[segments.size() + 1];
        long rows = 0;
        for (int s = 0; s < held.length; s++) {
            ByteBuffer b = segments.get(s);
            if (b.capacity() % rowBytes != 0) {
                throw new IllegalArgumentException(source + ": segment " + s + " has " + b.capacity()
                        + " bytes, not a whole number of " + rowBytes + "-byte rows");
            }
            held[s] = b.duplicate().clear().order(order);
            rows += b.capacity() / rowBytes;
            if (rows > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(source + ": more than " + (Integer.MAX_VALUE - 8) + " rows");
            }
            first[s + 1] = (int) rows;
        }
        return new BufferStore(precision, order, dim, held, first, mapped);
    }

    /** Rows per segment when {@code dim}-value rows of {@code precision} are cut into buffers. */
    public static int rowsPerSegment(int dim, FeaturePrecision precision) {
        return Math.max(1, MAX_SEGMENT_BYTES / (dim * precision.bytes()));
    }

    /** The segment holding {@code row}. */
    public int segmentOf(int row) {
        if (segments.length == 1) {
            return 0;
        }
        int s = Arrays.binarySearch(firstRow, row);
        return s >= 0 ? s : -s - 2;
    }

    /** Segment {@code s}; read-only use only (absolute reads, so threads may share it). */
    public ByteBuffer segment(int s) {
        return segments[s];
    }

    public int segmentCount() {
        return segments.length;
    }

    /** The byte offset of {@code row} inside its segment {@code s}. */
    public int byteOffset(int row, int s) {
        return (row - firstRow[s]) * rowBytes;
    }

    public ByteOrder order() {
        return order;
    }

    public int rowBytes() {
        return rowBytes;
    }

    @Override
    public int rows() {
        return firstRow[segments.length];
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public FeaturePrecision precision() {
        return precision;
    }

    @Override
    public void copyRow(int row, float[] dst, int off) {
        int s = segmentOf(row);
        ByteBuffer b = segments[s];
        int at = byteOffset(row, s);
        switch (precision) {
            case F32 -> {
                for (int j = 0; j < dim; j++) {
                    dst[off + j] = b.getFloat(at + 4 * j);
                }
            }
            case F16 -> {
                for (int j = 0; j < dim; j++) {
                    dst[off + j] = HalfFloats.f16ToFloat(b.getShort(at + 2 * j));
                }
            }
            case BF16 -> {
                for (int j = 0; j < dim; j++) {
                    dst[off + j] = HalfFloats.bf16ToFloat(b.getShort(at + 2 * j));
                }
            }
        }
    }

    /**
     * Fails on the first NaN or infinite value, naming its row and column and where the rows came
     * from. One sequential read of the store.
     */
    public void requireFinite(String source) {
        for (int s = 0; s < segments.length; s++) {
            ByteBuffer b = segments[s];
            int values = (firstRow[s + 1] - firstRow[s]) * dim;
            int bad = firstNonFinite(b, values);
            if (bad >= 0) {
                int row = firstRow[s] + bad / dim;
                float[] r = new float[dim];
                copyRow(row, r, 0);
                throw new IllegalArgumentException(source + ": feature value " + r[bad % dim] + " at row " + row
                        + ", column " + (bad % dim) + " (features must be finite)");
            }
        }
    }

    private int firstNonFinite(ByteBuffer b, int values) {
        if (precision == FeaturePrecision.F32) {
            for (int i = 0; i < values; i++) {
                if ((b.getInt(4 * i) & 0x7F80_0000) == 0x7F80_0000) {
                    return i;
                }
            }
            return -1;
        }
        int mask = precision == FeaturePrecision.BF16 ? 0x7F80 : 0x7C00;
        for (int i = 0; i < values; i++) {
            if ((b.getShort(2 * i) & mask) == mask) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public long bytes() {
        return (long) rows() * rowBytes;
    }

    @Override
    public boolean mapped() {
        return mapped;
    }
}
