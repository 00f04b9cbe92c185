package dev.qprobe.model;

import java.util.List;

/** Maps (prompt, completion) pairs to feature vectors phi(x, y). */
public interface Embedder {

    /** Identifies the feature source (model, layer, pooling), for cache keys and provenance. */
    String id();

    /** The feature dimension. */
    int dim();

    /** One feature vector of {@link #dim()} floats per completion of {@code prompt}. */
    float[][] embed(String prompt, List<String> completions);
}
