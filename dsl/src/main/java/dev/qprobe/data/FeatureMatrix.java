package dev.qprobe.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rows x dim matrix of float features in one contiguous row-major array.
 *
 * <p>One array rather than a list of rows keeps a training epoch a single sequential sweep through
 * memory, which is what makes linear-probe training bandwidth-bound instead of pointer-bound. A
 * Java array holds up to 2^31 - 1 floats, e.g. 100,000 x 4,096 (1.6 GB) comfortably.
 *
 * <p>Instances are immutable by contract: {@link #array()} exposes the backing store for fast
 * kernels, which must only read it.
 */
public final class FeatureMatrix {
    /** The largest array length the JVM reliably allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    private final float[] data;
    private final int rows;
    private final int dim;

    private FeatureMatrix(float[] data, int rows, int dim) {
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /**
     * Wraps {@code data} (not copied) after checking its size and that every value is finite.
     *
     * @param source names where the data came from, for error messages (a file name, "builder")
     * @throws IllegalArgumentException on a size mismatch or a NaN/Inf value (names row and column)
     */
    public static FeatureMatrix wrap(float[] data, int rows, int dim, String source) {
        checkShape(rows, dim, source);
        if ((long) rows * dim != data.length) {
            throw new IllegalArgumentException(source + ": expected " + rows + " x " + dim + " = "
                    + (long) rows * dim + " values, got " + data.length);
        }
        requireFinite(data, dim, source);
        return new FeatureMatrix(data, rows, dim);
    }

    /** Throws a clear error if a rows x dim matrix cannot be stored in one array. */
    public static void checkShape(long rows, long dim, String source) {
        if (rows < 0 || dim <= 0) {
            throw new IllegalArgumentException(source + ": invalid feature shape " + rows + " x " + dim
                    + " (need rows >= 0 and dim >= 1)");
        }
        if (rows * dim > MAX_ELEMENTS) {
            throw new IllegalArgumentException(source + ": " + rows + " x " + dim + " = " + rows * dim
                    + " floats exceeds the " + MAX_ELEMENTS + " a single feature store can hold");
        }
    }

    /** Fails on the first NaN or infinite value, naming its row and column. */
    static void requireFinite(float[] data, int dim, String source) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(source + ": feature value " + data[i] + " at row "
                        + (i / dim) + ", column " + (i % dim) + " (features must be finite)");
            }
        }
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    public float get(int row, int col) {
        return data[row * dim + col];
    }

    /** A copy of one row. */
    public float[] row(int row) {
        Objects.checkIndex(row, rows);
        return Arrays.copyOfRange(data, row * dim, (row + 1) * dim);
    }

    /**
     * Copies rows {@code [from, to)}, row-major, into {@code out} at its position, which advances;
     * the bulk read for code that moves features elsewhere (a GPU, a file).
     */
    public void copyRows(int from, int to, java.nio.FloatBuffer out) {
        Objects.checkFromToIndex(from, to, rows);
        out.put(data, from * dim, (to - from) * dim);
    }

    /** The backing array, row-major; callers must not modify it. */
    public float[] array() {
        return data;
    }

    /** Offset of {@code row} in {@link #array()}. */
    public int offset(int row) {
        return row * dim;
    }

    /** A new matrix holding the given rows, in the given order. */
    public FeatureMatrix selectRows(int[] rowIndices) {
        checkShape(rowIndices.length, dim, "selectRows");
        float[] out = new float[rowIndices.length * dim];
        for (int i = 0; i < rowIndices.length; i++) {
            int r = Objects.checkIndex(rowIndices[i], rows);
            System.arraycopy(data, r * dim, out, i * dim, dim);
        }
        return new FeatureMatrix(out, rowIndices.length, dim);
    }

    /** Size of the feature store in bytes. */
    public long bytes() {
        return (long) data.length * Float.BYTES;
    }

    @Override
    public String toString() {
        return "FeatureMatrix[" + rows + " x " + dim + "]";
    }
}
