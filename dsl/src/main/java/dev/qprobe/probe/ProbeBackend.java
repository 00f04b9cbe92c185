package dev.qprobe.probe;

import dev.qprobe.data.FeatureMatrix;

/** Where and how probe math runs: scoring, gradients and training steps. Found through {@link ProbeBackends}. */
public interface ProbeBackend {

    /** A computation of {@code spec} over {@code features}, standardized by {@code standardizer}. */
    ProbeComputation open(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer);

    /**
     * Starts training {@code spec} on {@code features} from {@code initial} parameters. By default
     * parameters and moments live on the host and each step goes through {@link #open}; a backend
     * with its own device keeps them there.
     */
    default ProbeTraining train(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer, float[] initial,
                                AdamW optimizer) {
        return new HostTraining(open(spec, features, standardizer), initial, optimizer);
    }

    /** A short name for logs and provenance, e.g. "cpu" or "djl:gpu(0)". */
    String name();
}
