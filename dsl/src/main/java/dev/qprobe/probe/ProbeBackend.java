package dev.qprobe.probe;

import dev.qprobe.data.FeatureMatrix;

/** Makes {@link ProbeComputation}s: where and how probe math runs. */
public interface ProbeBackend {

    /** A computation of {@code spec} over {@code features}, standardized by {@code standardizer}. */
    ProbeComputation open(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer);

    /** A short name for logs and provenance, e.g. "cpu". */
    String name();
}
