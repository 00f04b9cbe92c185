package dev.qprobe.data;

/** Float32 rows in one row-major heap array: the fastest store while it fits in the heap. */
public final class FloatArrayStore implements FeatureStore {
    private final float[] data;
    private final int rows;
    private final int dim;

    FloatArrayStore(float[] data, int rows, int dim) {
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    /** The backing array, row-major; callers must only read it. */
    public float[] array() {
        return data;
    }

    /** Index of the first value of {@code row} in {@link #array()}. */
    public int offset(int row) {
        return row * dim;
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
        return FeaturePrecision.F32;
    }

    @Override
    public void copyRow(int row, float[] dst, int off) {
        System.arraycopy(data, row * dim, dst, off, dim);
    }

    @Override
    public long bytes() {
        return (long) data.length * Float.BYTES;
    }

    @Override
    public boolean mapped() {
        return false;
    }
}
