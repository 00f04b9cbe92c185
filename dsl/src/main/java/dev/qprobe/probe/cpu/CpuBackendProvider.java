package dev.qprobe.probe.cpu;

import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeBackendProvider;

/** Registers {@link CpuBackend} as "cpu": always usable, and {@code auto}'s choice when no GPU backend ranks higher. */
public final class CpuBackendProvider implements ProbeBackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int autoRank() {
        return 0;
    }

    @Override
    public ProbeBackend create(String device) {
        if (!device.isEmpty() && !device.equals("cpu")) {
            throw new IllegalArgumentException("the cpu backend runs on the CPU only, not on '" + device
                    + "': choose the djl backend for a GPU");
        }
        return CpuBackend.INSTANCE;
    }

    @Override
    public String describe() {
        return "fused SIMD kernel for linear probes (" + VectorMath.INSTANCE.describe() + "), ND4J for MLPs";
    }
}
