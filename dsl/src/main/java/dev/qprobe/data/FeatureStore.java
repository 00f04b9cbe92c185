package dev.qprobe.data;

/**
 * Where the values of a {@link FeatureMatrix} live: one heap float32 array
 * ({@link FloatArrayStore}), bfloat16 pairs packed in heap int arrays ({@link PackedBf16Store}), or
 * float32, float16 or bfloat16 rows memory-mapped from files ({@link BufferStore}). Kernels dispatch on the store once, then read
 * its rows directly; everyone else reads rows as float32 through {@link #copyRow}.
 */
public sealed interface FeatureStore permits FloatArrayStore, PackedBf16Store, BufferStore {

    int rows();

    int dim();

    FeaturePrecision precision();

    /** Writes row {@code row} widened to float32 into {@code dst[off .. off + dim)}. */
    void copyRow(int row, float[] dst, int off);

    /** Bytes of feature values held. */
    long bytes();

    /** True when the values are mapped from files rather than held in the heap. */
    boolean mapped();
}
