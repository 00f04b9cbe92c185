package dev.qprobe.kernel.engine;

import ai.djl.Device;
import dev.qprobe.Version;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.probe.ProbeBackends;

/**
 * What {@code %version} shows, computed where cells run: inside the engine's JVM, whose Java and
 * whose view of the GPU are the ones that matter.
 */
public final class EngineInfo {
    private EngineInfo() {
    }

    /**
     * The library's version, the Java runtime, the device the built-in model uses
     * ({@link BuiltinModel#defaultDevice()}, or why that is unknown), and the probe backend that
     * {@code auto} trains on with every backend found ({@link ProbeBackends#describe()}).
     */
    public static String describe() {
        return "Q-probe " + Version.get() + "\n"
                + "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")\n"
                + "Built-in model device: " + device() + "\n"
                + ProbeBackends.describe() + "\n";
    }

    private static String device() {
        try {
            Device device = BuiltinModel.defaultDevice();
            String engine = "PyTorch " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion();
            return device.isGpu() ? "GPU " + device.getDeviceId() + " (" + engine + ")"
                    : "CPU (" + engine + " sees no GPU)";
        } catch (RuntimeException | LinkageError e) {
            return "unknown, PyTorch did not load (" + e + ")";
        }
    }
}
