package dev.qprobe.data;

import java.util.Objects;

/**
 * A rows x dim matrix of features: a {@link FeatureStore} (heap float32, heap bfloat16, or
 * float32/float16/bfloat16 mapped from {@code .npy} files) seen through an optional row map.
 *
 * <p>Selecting rows (a train/test split, a subset of prompts) makes a view, not a copy: a split
 * of a mapped set larger than the heap stays on disk, and a heap set is not held twice. Rows of
 * one prompt stay consecutive in the store, so an epoch still streams memory sequentially.
 *
 * <p>Kernels read {@link #store()} directly, row {@code r} of this matrix being row
 * {@link #storeRow(int) storeRow(r)} of the store; everyone else reads float32 rows through
 * {@link #copyRows}. Immutable.
 */
public final class FeatureMatrix {
    /** The largest array length the JVM reliably allocates. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    private final FeatureStore store;
    /** Row r of this matrix is row rowMap[r] of the store; null means the identity. */
    private final int[] rowMap;
    private final int rows;
    private final int dim;

    private FeatureMatrix(FeatureStore store, int[] rowMap) {
        this.store = store;
        this.rowMap = rowMap;
        this.rows = rowMap == null ? store.rows() : rowMap.length;
        this.dim = store.dim();
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
        return new FeatureMatrix(new FloatArrayStore(data, rows, dim), null);
    }

    /** {@code data} (rows x dim, row-major) stored as bfloat16: half the memory, about 3 significant digits. */
    public static FeatureMatrix bf16(float[] data, int rows, int dim, String source) {
        return wrap(data, rows, dim, source).withPrecision(FeaturePrecision.BF16);
    }

    /** All rows of {@code store}, which the caller has checked (e.g. with {@link BufferStore#requireFinite}). */
    public static FeatureMatrix of(FeatureStore store) {
        return new FeatureMatrix(store, null);
    }

    /** Throws a clear error if a rows x dim matrix cannot be stored in one heap array. */
    public static void checkShape(long rows, long dim, String source) {
        if (rows < 0 || dim <= 0) {
            throw new IllegalArgumentException(source + ": invalid feature shape " + rows + " x " + dim
                    + " (need rows >= 0 and dim >= 1)");
        }
        if (rows * dim > MAX_ELEMENTS) {
            throw new IllegalArgumentException(source + ": " + rows + " x " + dim + " = " + rows * dim
                    + " floats exceeds the " + MAX_ELEMENTS + " a heap array can hold; map the file instead "
                    + "(Npy.map, or let qprobe train map it)");
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

    /** How the values are stored. */
    public FeaturePrecision precision() {
        return store.precision();
    }

    /** The store behind this matrix, for kernels; see {@link #storeRow}. */
    public FeatureStore store() {
        return store;
    }

    /** The store row that holds row {@code row} of this matrix. */
    public int storeRow(int row) {
        return rowMap == null ? row : rowMap[row];
    }

    public float get(int row, int col) {
        Objects.checkIndex(col, dim);
        int r = storeRow(Objects.checkIndex(row, rows));
        if (store instanceof FloatArrayStore f) {
            return f.array()[f.offset(r) + col];
        }
        float[] values = new float[dim];
        store.copyRow(r, values, 0);
        return values[col];
    }

    /** A float32 copy of one row. */
    public float[] row(int row) {
        float[] out = new float[dim];
        copyRows(row, 1, out, 0);
        return out;
    }

    /** Writes rows {@code from .. from + count) as float32, row-major, into {@code dst} from {@code dstOff}. */
    public void copyRows(int from, int count, float[] dst, int dstOff) {
        Objects.checkFromIndexSize(from, count, rows);
        Objects.checkFromIndexSize(dstOff, count * dim, dst.length);
        for (int i = 0; i < count; i++) {
            store.copyRow(storeRow(from + i), dst, dstOff + i * dim);
        }
    }

    /**
     * Copies rows {@code [from, to)} as float32, row-major, into {@code out} at its position, which
     * advances: the bulk read for code that moves features elsewhere (a GPU, a file).
     */
    public void copyRows(int from, int to, java.nio.FloatBuffer out) {
        Objects.checkFromToIndex(from, to, rows);
        float[] row = new float[dim];
        for (int r = from; r < to; r++) {
            store.copyRow(storeRow(r), row, 0);
            out.put(row);
        }
    }

    /**
     * All rows as float32, row-major: the backing array when the matrix is one whole heap float32
     * store, otherwise a new copy. Prefer {@link #copyRows} for large or mapped matrices.
     *
     * @throws IllegalArgumentException when the rows do not fit in one array
     */
    public float[] array() {
        if (rowMap == null && store instanceof FloatArrayStore f) {
            return f.array();
        }
        checkShape(rows, dim, toString());
        float[] out = new float[rows * dim];
        copyRows(0, rows, out, 0);
        return out;
    }

    /** Offset of {@code row} in {@link #array()}. */
    public int offset(int row) {
        return row * dim;
    }

    /** The given rows, in the given order: a view sharing this matrix's store. */
    public FeatureMatrix selectRows(int[] rowIndices) {
        int[] map = new int[rowIndices.length];
        for (int i = 0; i < map.length; i++) {
            map[i] = storeRow(Objects.checkIndex(rowIndices[i], rows));
        }
        return new FeatureMatrix(store, map);
    }

    /**
     * These rows stored with {@code precision}: this matrix when it already is; bfloat16 in the
     * heap (rounded to nearest, ties to even); float32 in the heap. Float16 is only read from files.
     */
    public FeatureMatrix withPrecision(FeaturePrecision precision) {
        if (precision == precision()) {
            return this;
        }
        return switch (precision) {
            case BF16 -> new FeatureMatrix(PackedBf16Store.of(this), null);
            case F32 -> {
                checkShape(rows, dim, toString());
                float[] out = new float[rows * dim];
                copyRows(0, rows, out, 0);
                yield new FeatureMatrix(new FloatArrayStore(out, rows, dim), null);
            }
            case F16 -> throw new IllegalArgumentException("float16 features are read from .npy files; "
                    + "in memory use bf16 or f32");
        };
    }

    /** Bytes of feature values this matrix reads per pass (its rows, in its store's precision). */
    public long bytes() {
        return (long) rows * dim * store.precision().bytes();
    }

    @Override
    public String toString() {
        return "FeatureMatrix[" + rows + " x " + dim + (precision() == FeaturePrecision.F32 ? "" : ", " + precision())
                + (store.mapped() ? ", mapped" : "") + "]";
    }
}
