package dev.qprobe.model.hf;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many of a prompt's k samples decode together. Each row holds its KV cache, 2 * layers *
 * kvHeads * headDim * bytes per token, for prompt + max new tokens, plus about 28 bytes per
 * vocabulary entry for the logits and the top-p sort (float32 logits, probabilities, sorted
 * probabilities, their cumulative sum, int64 order). When k rows do not fit into 80% of the free
 * memory (the GPU's, or MemAvailable on the CPU) the k samples are drawn in several batches.
 */
final class BatchPlan {
    static final String MAX_ROWS_PROPERTY = "qprobe.hf.maxBatchRows";
    private static final long SAMPLING_BYTES_PER_VOCAB = 28;

    private BatchPlan() {
    }

    /** Bytes one sampled row needs for {@code tokens} positions. */
    static long bytesPerRow(HfConfig c, int bytesPerElement, int tokens) {
        return c.kvBytesPerToken(bytesPerElement) * tokens + SAMPLING_BYTES_PER_VOCAB * c.vocab();
    }

    /** Rows per batch for k samples of {@code tokens} positions within {@code budgetBytes}. */
    static int rows(HfConfig c, int bytesPerElement, int k, int tokens, long budgetBytes) {
        long fit = budgetBytes / bytesPerRow(c, bytesPerElement, tokens);
        int rows = (int) Math.max(1, Math.min(k, fit));
        String cap = System.getProperty(MAX_ROWS_PROPERTY);
        return cap == null ? rows : Math.max(1, Math.min(rows, Integer.parseInt(cap)));
    }

    /** 80% of the memory free on {@code device} now. */
    static long budget(Device device) {
        long free;
        if (device.isGpu()) {
            MemoryUsage m = CudaUtils.getGpuMemory(device);
            free = m.getMax() - m.getUsed();
        } else {
            free = memAvailable();
        }
        return (long) (0.8 * free);
    }

    private static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through to the JVM's view of the machine
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getFreeMemorySize();
    }
}
