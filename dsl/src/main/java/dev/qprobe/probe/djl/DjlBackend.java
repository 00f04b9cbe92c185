package dev.qprobe.probe.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.model.TorchThreads;
import dev.qprobe.probe.AdamW;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.ProbeTraining;
import dev.qprobe.probe.Standardizer;

/**
 * Probe math on DJL's PyTorch engine, on the CPU or a CUDA GPU: linear and MLP probes, every
 * objective of {@code dev.qprobe.train} evaluated on the device, AdamW on the device.
 */
public final class DjlBackend implements ProbeBackend {
    static final String ENGINE = "PyTorch";

    private final Device device;

    DjlBackend(Device device) {
        TorchThreads.configure(); // PyTorch's thread pools sized before the first tensor
        this.device = device;
    }

    public Device device() {
        return device;
    }

    @Override
    public ProbeComputation open(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer) {
        NDManager manager = NDManager.newBaseManager(device, ENGINE);
        try {
            return new DjlComputation(engine(), manager, new DeviceFeatures(manager, features, standardizer),
                    new ProbeNet(spec));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public ProbeTraining train(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer, float[] initial,
                               AdamW optimizer) {
        int expected = spec.parameterCount(features.dim());
        if (initial.length != expected) {
            throw new IllegalArgumentException(spec + " on " + features.dim() + " features needs " + expected
                    + " parameters, got " + initial.length);
        }
        NDManager manager = NDManager.newBaseManager(device, ENGINE);
        try {
            return new DjlTraining(engine(), manager, new DeviceFeatures(manager, features, standardizer),
                    new ProbeNet(spec), initial, optimizer);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /** "djl:cpu" or "djl:gpu(0)". */
    @Override
    public String name() {
        return "djl:" + DjlBackendProvider.deviceName(device);
    }

    @Override
    public String toString() {
        return name();
    }
}
