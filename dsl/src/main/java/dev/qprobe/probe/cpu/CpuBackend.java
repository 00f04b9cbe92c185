package dev.qprobe.probe.cpu;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.Standardizer;

/**
 * Probe math on the CPU: linear probes with the fused SIMD kernel (memory-bound, so plain arrays
 * and the Vector API beat a matrix library), MLP probes with ND4J's batched matrix products.
 */
public final class CpuBackend implements ProbeBackend {
    /** The default backend. */
    public static final CpuBackend INSTANCE = new CpuBackend(true);
    /** Linear probes computed in two passes per epoch instead of one; for benchmarks only. */
    public static final CpuBackend TWO_PASS = new CpuBackend(false);

    private final boolean fused;

    private CpuBackend(boolean fused) {
        this.fused = fused;
    }

    @Override
    public ProbeComputation open(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer) {
        if (standardizer.dim() != features.dim()) {
            throw new IllegalArgumentException("standardizer has " + standardizer.dim()
                    + " dimensions but the features have " + features.dim());
        }
        return spec.isLinear()
                ? new LinearComputation(features, standardizer, fused)
                : new MlpComputation(spec, features, standardizer);
    }

    @Override
    public String name() {
        return fused ? "cpu" : "cpu-two-pass";
    }
}
