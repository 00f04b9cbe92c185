package dev.qprobe.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backends are found through ServiceLoader and chosen by name, by device, or by auto. */
class ProbeBackendsTest {

    @Test
    void bothBackendsAreFoundAndAutoPicksDjlOnlyWithAGpu() {
        List<String> names = ProbeBackends.providers().stream().map(ProbeBackendProvider::name).toList();
        assertEquals(List.of("cpu", "djl"), names);
        boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
        assertEquals(gpu ? "djl" : "cpu", ProbeBackends.automatic().name());
        assertEquals(gpu ? "djl:gpu(0)" : "cpu", ProbeBackends.resolve(Backend.auto()).name());
        String described = ProbeBackends.describe();
        assertTrue(described.startsWith("probe backend (auto): " + (gpu ? "djl" : "cpu")), described);
        assertTrue(described.contains("\n  cpu: fused SIMD") && described.contains("\n  djl: DJL "), described);
    }

    @Test
    void aChoiceNamesBackendAndDevice() {
        assertEquals("djl:cpu", ProbeBackends.resolve(Backend.djl("cpu")).name());
        assertEquals("cpu", ProbeBackends.resolve(Backend.parse("CPU")).name());
        assertEquals(Backend.djl("gpu(1)"), Backend.parse("djl:gpu(1)"));
        assertEquals("djl:gpu(1)", Backend.djl("gpu(1)").toString());
    }

    @Test
    void badChoicesSayWhatToDo() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> ProbeBackends.resolve(new Backend("tpu", "")));
        assertTrue(unknown.getMessage().contains("no probe backend named 'tpu'; available: auto, cpu, djl"),
                unknown.getMessage());
        var cpuOnGpu = assertThrows(IllegalArgumentException.class, () -> ProbeBackends.resolve(new Backend("cpu", "gpu(0)")));
        assertTrue(cpuOnGpu.getMessage().contains("runs on the CPU only"), cpuOnGpu.getMessage());
        var device = assertThrows(IllegalArgumentException.class, () -> ProbeBackends.resolve(Backend.djl("tpu(0)")));
        assertTrue(device.getMessage().contains("unknown device 'tpu(0)'"), device.getMessage());
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        var missing = assertThrows(IllegalArgumentException.class,
                () -> ProbeBackends.resolve(Backend.djl("gpu(" + gpus + ")")));
        assertTrue(missing.getMessage().contains("is not visible: PyTorch sees " + gpus), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backend.parse("not a name"));
    }
}
