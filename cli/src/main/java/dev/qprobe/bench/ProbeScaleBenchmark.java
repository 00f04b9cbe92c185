package dev.qprobe.bench;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.HalfFloats;
import dev.qprobe.data.SampleSet;
import dev.qprobe.io.Npy;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * How training cost grows with the number of rows: for each scale factor s, s x PROMPTS prompts
 * of bfloat16 features are written to a file (streamed, never held in the heap), mapped, and
 * trained; epoch time per row and peak memory (heap, and the process's resident set, which
 * counts the mapped pages it touched) show whether cost stays linear. Started by
 * {@code qprobe bench probe [PROMPTS CANDIDATES DIM EPOCHS] --scale 1,4,16}.
 */
final class ProbeScaleBenchmark {
    private ProbeScaleBenchmark() {
    }

    static void run(int prompts, int candidates, int dim, int epochs, String scales, Path dir) throws IOException {
        System.out.printf(Locale.ROOT, "cost growth: %d prompts x %d candidates x %d dims per unit of scale, "
                + "mapped bf16, %d epochs, %d threads%n", prompts, candidates, dim, epochs,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%6s %10s %10s %10s %10s %12s %12s %12s%n", "scale", "rows", "GB", "MSE s/ep",
                "PG s/ep", "PG us/row", "peak heap MB", "peak RSS MB");
        double firstPerRow = 0;
        for (String s : scales.split(",")) {
            int scale = Integer.parseInt(s.trim());
            long rows = (long) scale * prompts * candidates;
            if (rows > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("scale " + scale + " makes " + rows + " rows: too many");
            }
            Path file = Files.createTempFile(dir, "qprobe-scale-", ".npy");
            try {
                double[] rewards = write(file, scale * prompts, candidates, dim);
                System.gc();
                resetPeaks();
                FeatureMatrix features = Npy.map(file);
                String[] ids = new String[rewards.length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = "p" + i / candidates;
                }
                SampleSet set = SampleSet.of(ids, null, null, rewards, features, List.of(), file.toString());
                double[] perEpoch = new double[2];
                Objective[] objectives = {Objective.MSE, Objective.PG};
                for (int o = 0; o < 2; o++) {
                    TrainerConfig config = TrainerConfig.defaults().withEpochs(epochs).withLearningRate(1e-3);
                    if (firstPerRow == 0) {
                        // The first scale warms the JIT up, so it is not charged for compilation.
                        new Trainer(config.withEpochs(5)).train(set, ProbeSpec.linear(), objectives[o]);
                    }
                    long[] epochEnd = new long[epochs + 1];
                    new Trainer(config).train(set, ProbeSpec.linear(), objectives[o],
                            (epoch, total, loss) -> epochEnd[epoch] = System.nanoTime());
                    perEpoch[o] = LinearProbeBenchmark.steadyEpoch(epochEnd, epochs, 0);
                }
                double perRow = perEpoch[1] / rows * 1e6;
                firstPerRow = firstPerRow == 0 ? perRow : firstPerRow;
                System.out.printf(Locale.ROOT, "%6d %10d %10.2f %10.4f %10.4f %12.4f %12.0f %12.0f   (%.2fx the "
                                + "first scale's time per row)%n", scale, rows, features.bytes() / 1e9, perEpoch[0],
                        perEpoch[1], perRow, peakHeap() / 1e6, peakRss() / 1e6, perRow / firstPerRow);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        System.out.println("s/ep is steady state (epochs 2..N); peak RSS includes the mapped file pages read.");
    }

    /**
     * Writes {@code prompts x candidates} rows of bfloat16 features: uniform noise around a
     * per-prompt offset, with reward 1 where feature 0's noise exceeds the prompt's threshold.
     * Prompts are written in parallel at their own file positions. Returns the rewards.
     */
    private static double[] write(Path file, int prompts, int candidates, int dim) throws IOException {
        double[] rewards = new double[prompts * candidates];
        long rowBytes = 2L * dim;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] header = Npy.headerBytes((long) prompts * candidates, dim, FeaturePrecision.BF16);
            channel.write(ByteBuffer.wrap(header), 0);
            IntStream.range(0, prompts).parallel().forEach(p -> {
                SplittableRandom rng = new SplittableRandom(p);
                float offset = (float) rng.nextGaussian();
                double threshold = rng.nextDouble(-0.5, 0.5);
                ByteBuffer b = ByteBuffer.allocate((int) (rowBytes * candidates)).order(ByteOrder.LITTLE_ENDIAN);
                for (int c = 0; c < candidates; c++) {
                    float first = 0;
                    for (int j = 0; j < dim; j++) {
                        float z = rng.nextFloat() * 2 - 1;
                        first = j == 0 ? z : first;
                        b.putShort(HalfFloats.floatToBf16(offset + z));
                    }
                    rewards[p * candidates + c] = first > threshold ? 1 : 0;
                }
                b.flip();
                try {
                    long at = header.length + (long) p * candidates * rowBytes;
                    while (b.hasRemaining()) {
                        at += channel.write(b, at);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return rewards;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        try {
            // "5" resets the kernel's peak resident set size (VmHWM) of this process.
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux, or not allowed: the RSS peak then covers the whole process.
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** VmHWM from /proc/self/status in bytes, or -1 where there is none. */
    private static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
