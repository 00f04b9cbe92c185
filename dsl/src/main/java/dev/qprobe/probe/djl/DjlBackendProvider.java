package dev.qprobe.probe.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeBackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Registers {@link DjlBackend} as "djl": {@code auto}'s choice when PyTorch sees a GPU (rank 10,
 * above the CPU backend's 0), and never chosen automatically otherwise: on a CPU the fused SIMD
 * kernel is faster.
 */
public final class DjlBackendProvider implements ProbeBackendProvider {
    static final int GPU_RANK = 10;

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public int autoRank() {
        return gpuCount() > 0 ? GPU_RANK : -1;
    }

    /** The backend on {@code device}: "cpu", "gpu", "gpu(N)"; "" for the first GPU when there is one, else the CPU. */
    @Override
    public ProbeBackend create(String device) {
        return new DjlBackend(parse(device, gpuCount()));
    }

    static Device parse(String device, int gpus) {
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.isEmpty()) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        if (d.equals("cpu") || d.equals("cpu()")) {
            return Device.cpu();
        }
        java.util.regex.Matcher gpu = java.util.regex.Pattern.compile("gpu(?:\\((\\d+)\\)|(\\d+))?").matcher(d);
        if (!gpu.matches()) {
            throw new IllegalArgumentException("unknown device '" + device + "': use cpu, gpu or gpu(N)");
        }
        String id = gpu.group(1) != null ? gpu.group(1) : gpu.group(2);
        int index = id == null ? 0 : Integer.parseInt(id);
        if (index >= gpus) {
            throw new IllegalArgumentException("device '" + device + "' is not visible: PyTorch sees " + gpus
                    + " GPU(s)" + (gpus == 0 ? " (the default build carries the CPU-only PyTorch; build with -Pcuda"
                    + " for CUDA)" : ""));
        }
        return Device.gpu(index);
    }

    private static volatile Integer gpus;

    /**
     * GPUs the PyTorch engine can use (0 with the CPU-only native library), asked once. Without a
     * CUDA driver the answer is 0 without loading PyTorch, so {@code auto} stays cheap on a CPU machine.
     */
    static int gpuCount() {
        Integer n = gpus;
        if (n == null) {
            n = CudaUtils.hasCuda() ? Engine.getEngine(DjlBackend.ENGINE).getGpuCount() : 0;
            gpus = n;
        }
        return n;
    }

    static String deviceName(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    }

    @Override
    public String describe() {
        Engine engine = Engine.getEngine(DjlBackend.ENGINE);
        List<String> devices = new ArrayList<>(List.of("cpu"));
        for (int i = 0; i < gpuCount(); i++) {
            devices.add("gpu(" + i + ")");
        }
        return "DJL " + Engine.getDjlVersion() + " on PyTorch " + engine.getVersion() + ", devices " + devices;
    }
}
