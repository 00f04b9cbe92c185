package dev.qprobe.probe;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.cpu.CpuBackend;
import java.util.stream.IntStream;

/**
 * A trained probe: Q(x) = f(standardize(x)) for an architecture f with fixed parameters.
 * Immutable; scoring new candidates is the production use.
 */
public final class Probe {
    private final ProbeSpec spec;
    private final float[] params;
    private final Standardizer standardizer;

    public Probe(ProbeSpec spec, float[] params, Standardizer standardizer) {
        int expected = spec.parameterCount(standardizer.dim());
        if (params.length != expected) {
            throw new IllegalArgumentException(spec + " on " + standardizer.dim() + " features needs "
                    + expected + " parameters, got " + params.length);
        }
        this.spec = spec;
        this.params = params.clone();
        this.standardizer = standardizer;
    }

    public ProbeSpec spec() {
        return spec;
    }

    public int dim() {
        return standardizer.dim();
    }

    /** A copy of the flat parameter vector (layout in {@link ProbeSpec}). */
    public float[] parameters() {
        return params.clone();
    }

    public Standardizer standardizer() {
        return standardizer;
    }

    /** Q for every row of {@code features}. */
    public float[] scores(FeatureMatrix features) {
        if (features.dim() != dim()) {
            throw new IllegalArgumentException("probe expects " + dim() + " features per sample, got "
                    + features.dim());
        }
        try (ProbeComputation c = CpuBackend.INSTANCE.open(spec, features, standardizer)) {
            return c.scores(params, IntStream.range(0, features.rows()).toArray());
        }
    }

    /** Q for every candidate of {@code samples}, in row order. */
    public float[] scores(SampleSet samples) {
        return scores(samples.features());
    }

    /** Q of one feature vector. */
    public float score(float[] feature) {
        return scores(FeatureMatrix.wrap(feature.clone(), 1, feature.length, "feature vector"))[0];
    }

    @Override
    public String toString() {
        return "Probe[" + spec + ", " + dim() + " features, " + params.length + " parameters]";
    }
}
