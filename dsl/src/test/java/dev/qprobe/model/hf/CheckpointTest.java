package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights and configs that load, and those that must not, with errors that say what is wrong. */
class CheckpointTest {
    @TempDir
    Path tmp;

    /** A tensor that starts beyond 2 GiB in its file (a sparse file: no disk is used) reads back exactly. */
    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        long filler = (1L << 31) + 12;
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + filler + "],\"data_offsets\":[0," + filler + "]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + filler + "," + (filler + 16) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = tmp.resolve(Checkpoint.SINGLE);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length);
            f.write(len.array());
            f.write(h);
            long dataStart = 8 + h.length;
            f.setLength(dataStart + filler + 16);
            f.seek(dataStart + filler);
            ByteBuffer values = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            values.asFloatBuffer().put(new float[] {1.5f, -2f, 3.25f, 4f});
            f.write(values.array());
        }
        assertTrue(Files.size(file) > (1L << 31));
        Checkpoint ck = Checkpoint.open(tmp);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray w = ck.load(m, "w", new long[] {2, 2}, DataType.FLOAT32);
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f}, w.toFloatArray());
        }
    }

    @Test
    void aWrongShapedTensorNamesTheTensorAndBothShapes() throws IOException {
        Path dir = copy("qwen2-f32");
        String config = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\": 64",
                "\"intermediate_size\": 80");
        Files.writeString(dir.resolve("config.json"), config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[64, 48]") && e.getMessage().contains("[80, 48]"), e.getMessage());
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        Path dir = copy("mistral-sharded");
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> HfModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("missing shard") && e.getMessage().contains("model-00002-of-00002"),
                e.getMessage());
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Path dir = copy("llama-f32");
        // Claim tied embeddings false -> true is fine; untied needs lm_head, so drop it by renaming in the header.
        Path weights = dir.resolve(Checkpoint.SINGLE);
        byte[] bytes = Files.readAllBytes(weights);
        String all = new String(bytes, StandardCharsets.ISO_8859_1).replace("\"lm_head.weight\"", "\"lm_hexd.weight\"");
        Files.write(weights, all.getBytes(StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains("lm_head.weight is missing"), e.getMessage());
    }

    @Test
    void malformedConfigsSayWhatIsWrong() throws IOException {
        Path dir = copy("llama-f32");
        Path config = dir.resolve("config.json");
        String good = Files.readString(config);
        Files.writeString(config, "{\"model_type\": \"llama\", \"hidden_size\": ");
        assertMessage(dir, "config.json is not valid JSON");
        Files.writeString(config, good.replace("\"llama\"", "\"falcon\""));
        assertMessage(dir, "model_type falcon is not supported; supported: gpt2, llama, qwen2, mistral");
        Files.writeString(config, good.replace("\"num_hidden_layers\": 3,", ""));
        assertMessage(dir, "missing field num_hidden_layers");
        Files.writeString(config, good.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
        assertMessage(dir, "num_attention_heads 4 is not a multiple of num_key_value_heads 3");
        Files.writeString(config, good.replace("\"llama3\"", "\"yarn\""));
        assertMessage(dir, "rope_scaling of type yarn is not supported (only llama3)");
        Files.writeString(config, good.replace("\"hidden_size\": 32", "\"hidden_size\": \"big\""));
        assertMessage(dir, "field hidden_size must be a positive integer");
    }

    /** Sliding-window attention is not implemented, so a longer sequence is refused rather than computed wrongly. */
    @Test
    void aSequenceLongerThanTheSlidingWindowIsRefused() throws IOException {
        Path dir = copy("mistral-sharded");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"sliding_window\": 4096", "\"sliding_window\": 6"));
        try (HfModel model = HfModel.load(dir, Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.sample("The quick brown fox jumps", dev.qprobe.model.SamplingConfig.of(1)));
            assertTrue(e.getMessage().contains("context of 6"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.greedy(new int[] {1, 2, 3, 4, 5, 6, 7}, 1, true));
        }
    }

    private static void assertMessage(Path dir, String expected) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> HfModel.load(dir, Device.cpu()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private Path copy(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(HfFixtures.dir(name))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }
}
