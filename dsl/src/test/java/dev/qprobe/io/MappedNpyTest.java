package dev.qprobe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.HalfFloats;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features read in place from .npy files: one file, shards, float16 and bfloat16, a set larger than the heap. */
class MappedNpyTest {
    @TempDir
    Path dir;

    private static FeatureMatrix random(int rows, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[rows * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return FeatureMatrix.wrap(v, rows, dim, "random");
    }

    @Test
    void mappedFilesReadTheSameValuesAsTheHeapReader() throws IOException {
        FeatureMatrix m = random(37, 19, 1);
        for (FeaturePrecision p : FeaturePrecision.values()) {
            Path f = dir.resolve("m-" + p + ".npy");
            Npy.write(f, m, p);
            FeatureMatrix mapped = Npy.map(f);
            assertEquals(p, mapped.precision());
            assertTrue(mapped.store().mapped());
            assertArrayEquals(Npy.read(f).array(), mapped.array(), p.toString());
            for (int i = 0; i < 37 * 19; i++) {
                float x = m.array()[i];
                float expected = switch (p) {
                    case F32 -> x;
                    case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(x));
                    case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
                };
                assertEquals(expected, mapped.get(i / 19, i % 19));
            }
        }
    }

    /** The file NumPy writes for {@code (a.view(np.uint32) >> 16).astype(np.uint16).view("V2")}. */
    @Test
    void readsBfloat16BitsSavedByNumPyAsV2() throws IOException {
        float[] values = {1.5f, -2.25f, 3f, 0.1f, 7f, 8f};
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        Path f = dir.resolve("v2.npy");
        Files.write(f, NpyHeader.encode(2, 3, "|V2"));
        Files.write(f, data.array(), StandardOpenOption.APPEND);
        for (FeatureMatrix m : List.of(Npy.read(f), Npy.map(f))) {
            for (int i = 0; i < values.length; i++) {
                float truncated = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & 0xFFFF_0000);
                assertEquals(truncated, m.get(i / 3, i % 3));
            }
        }
        assertEquals(FeaturePrecision.BF16, Npy.map(f).precision());
    }

    @Test
    void shardsConcatenateInOrderAndAGapIsAnError() throws IOException {
        FeatureMatrix m = random(30, 8, 2);
        int[][] parts = {{0, 11}, {11, 12}, {12, 30}};
        for (int s = 0; s < parts.length; s++) {
            int[] rows = java.util.stream.IntStream.range(parts[s][0], parts[s][1]).toArray();
            Npy.write(dir.resolve(MappedNpy.shardName(s)), m.selectRows(rows), FeaturePrecision.F16);
        }
        Files.writeString(dir.resolve("notes.txt"), "not a shard");
        List<Path> shards = Npy.shards(dir);
        assertEquals(3, shards.size());
        FeatureMatrix mapped = Npy.map(shards);
        assertEquals(30, mapped.rows());
        for (int r = 0; r < 30; r++) {
            for (int j = 0; j < 8; j++) {
                assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(m.get(r, j))), mapped.get(r, j));
            }
        }
        Files.delete(dir.resolve(MappedNpy.shardName(1)));
        DataFormatException gap = assertThrows(DataFormatException.class, () -> Npy.shards(dir));
        assertTrue(gap.getMessage().contains("features-00001.npy is missing"), gap.getMessage());
    }

    @Test
    void shardsThatDisagreeAndNonFiniteValuesAreNamed() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Npy.write(a, random(3, 4, 3));
        Npy.write(b, random(3, 5, 4));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.map(List.of(a, b)));
        assertTrue(e.getMessage().startsWith(b + ": ") && e.getMessage().contains("does not match"), e.getMessage());

        // A float16 infinity at row 1, column 2 of the second file.
        Path c = dir.resolve("c.npy");
        Npy.write(c, random(3, 4, 5), FeaturePrecision.F16);
        try (FileChannel ch = FileChannel.open(c, StandardOpenOption.WRITE)) {
            long dataStart = Files.size(c) - 3 * 4 * 2;
            ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x7C00),
                    dataStart + (4 + 2) * 2);
        }
        Path d = dir.resolve("d.npy");
        Npy.write(d, random(2, 4, 6), FeaturePrecision.F16);
        DataFormatException inf = assertThrows(DataFormatException.class, () -> Npy.map(List.of(d, c)));
        assertTrue(inf.getMessage().startsWith(c + ": ") && inf.getMessage().contains("row 1, column 2"),
                inf.getMessage());
    }

    @Test
    void mappedFloat32TrainsBitForBitLikeTheHeap() throws IOException {
        SampleSet heap = SyntheticSamples.generate(40, 16, 40, 0.3, 9);
        Path f = dir.resolve("train.npy");
        Npy.write(f, heap.features());
        SampleSet mapped = heap.withFeatures(Npy.map(f));
        for (Objective objective : new Objective[] {Objective.MSE, Objective.pg(8, 1.0)}) {
            TrainerConfig config = TrainerConfig.defaults().withEpochs(20).withLearningRate(1e-2);
            TrainingResult h = new Trainer(config).train(heap.splitByPrompt(0.25, 2).train(), ProbeSpec.linear(),
                    objective);
            TrainingResult m = new Trainer(config).train(mapped.splitByPrompt(0.25, 2).train(), ProbeSpec.linear(),
                    objective);
            assertArrayEquals(h.lossCurve(), m.lossCurve(), objective.name());
            assertArrayEquals(h.probe().parameters(), m.probe().parameters(), objective.name());
        }
    }

    /** A ~150 MB float32 file, trained in a JVM with a 64 MB heap: it can only work if nothing copies it. */
    @Test
    void trainsOnAMappedSetLargerThanTheHeap() throws Exception {
        int dim = 1024;
        int candidates = 32;
        int rows = 37_000 / candidates * candidates;
        Path file = dir.resolve("large.npy");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(NpyHeader.encode(rows, dim, "<f4")));
            SplittableRandom rng = new SplittableRandom(11);
            ByteBuffer chunk = ByteBuffer.allocate(dim * 4 * 64).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < rows; r += 64) {
                chunk.clear();
                for (int i = 0; i < 64 * dim; i++) {
                    chunk.putFloat((float) rng.nextGaussian());
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
        }
        long bytes = Files.size(file);
        assertTrue(bytes > 150_000_000L, "file of " + bytes + " bytes");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx64m",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                MappedTrainingChild.class.getName(), file.toString(), Integer.toString(candidates)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("trained ")).findFirst().orElse("");
        assertFalse(line.isEmpty(), out);
        String[] f = line.split(" ");
        long maxHeap = Long.parseLong(f[4]);
        assertTrue(maxHeap < bytes / 2, "heap " + maxHeap + " vs file " + bytes);
        assertTrue(Double.parseDouble(f[2]) < Double.parseDouble(f[1]), "PG loss fell: " + line);
        assertEquals(rows / candidates - (rows / candidates) * 3 / 4, Integer.parseInt(f[3]) / candidates, 1);
        Files.delete(file);
    }
}
