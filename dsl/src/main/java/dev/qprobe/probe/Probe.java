package dev.qprobe.probe;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import java.util.stream.IntStream;

/**
 * A trained probe: Q(x) = f(standardize(x)) for an architecture f with fixed parameters, and the
 * {@link Provenance} that says how it was made. Immutable; scoring new candidates is the
 * production use.
 */
public final class Probe {
    private final ProbeSpec spec;
    private final float[] params;
    private final Standardizer standardizer;
    private final Provenance provenance;

    /** A probe from bare parameters: its provenance is {@link Provenance#unrecorded}. */
    public Probe(ProbeSpec spec, float[] params, Standardizer standardizer) {
        this(spec, params, standardizer, Provenance.unrecorded(spec));
    }

    public Probe(ProbeSpec spec, float[] params, Standardizer standardizer, Provenance provenance) {
        int expected = spec.parameterCount(standardizer.dim());
        if (params.length != expected) {
            throw new IllegalArgumentException(spec + " on " + standardizer.dim() + " features needs "
                    + expected + " parameters, got " + params.length);
        }
        this.spec = spec;
        this.params = params.clone();
        this.standardizer = standardizer;
        this.provenance = java.util.Objects.requireNonNull(provenance, "provenance");
        if (!provenance.probe().equals(spec)) {
            throw new IllegalArgumentException("provenance describes a " + provenance.probe() + " probe, not " + spec);
        }
    }

    /** How this probe was made. */
    public Provenance provenance() {
        return provenance;
    }

    /** The same probe with another account of how it was made (the architecture must match). */
    public Probe withProvenance(Provenance provenance) {
        return new Probe(spec, params, standardizer, provenance);
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
        try (ProbeComputation c = ProbeBackends.cpu().open(spec, features, standardizer)) {
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

    /**
     * Picks one of {@code candidates} (feature vectors of the completions of one prompt) with
     * probability softmax(Q / beta); beta = 0 takes the highest Q (the first, on a tie). The
     * production use of a trained probe: rerank fresh samples.
     */
    public int select(float[][] candidates, double beta, java.util.random.RandomGenerator rng) {
        if (candidates.length == 0) {
            throw new IllegalArgumentException("no candidates to select from");
        }
        float[] flat = new float[candidates.length * dim()];
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i].length != dim()) {
                throw new IllegalArgumentException("candidate " + i + " has " + candidates[i].length
                        + " features, the probe expects " + dim());
            }
            System.arraycopy(candidates[i], 0, flat, i * dim(), dim());
        }
        float[] q = scores(FeatureMatrix.wrap(flat, candidates.length, dim(), "candidates"));
        double[] scores = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            scores[i] = q[i];
        }
        if (beta == 0) {
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                best = scores[i] > scores[best] ? i : best;
            }
            return best;
        }
        return dev.qprobe.select.Selection.choose(scores, beta, rng);
    }

    @Override
    public String toString() {
        return "Probe[" + spec + ", " + dim() + " features, " + params.length + " parameters]";
    }
}
