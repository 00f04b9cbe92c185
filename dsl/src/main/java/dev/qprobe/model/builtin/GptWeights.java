package dev.qprobe.model.builtin;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The parameters of a {@link GptConfig} model as named float tensors, and their file format:
 * <pre>
 *   "QPGPT1"  magic (6 bytes)
 *   6 x int32 config: vocab, context, layers, dModel, heads, dFf   (big-endian, as DataOutput)
 *   per tensor, in {@link #names} order: int32 element count, then float32 little-endian values
 *   int64     CRC32 of everything before it
 * </pre>
 * Tensor shapes follow from the config; {@link #names(GptConfig)} lists them.
 */
public final class GptWeights {
    private static final byte[] MAGIC = "QPGPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final GptConfig config;
    private final Map<String, float[]> tensors;

    private GptWeights(GptConfig config, Map<String, float[]> tensors) {
        this.config = config;
        this.tensors = tensors;
    }

    /** Tensor names and shapes of a config, in file order. */
    public static Map<String, long[]> names(GptConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int d = c.dModel();
        shapes.put("tok_emb", new long[] {c.vocab(), d});
        shapes.put("pos_emb", new long[] {c.context(), d});
        for (int l = 0; l < c.layers(); l++) {
            String p = "h" + l + ".";
            shapes.put(p + "ln1_g", new long[] {d});
            shapes.put(p + "ln1_b", new long[] {d});
            shapes.put(p + "w_qkv", new long[] {d, 3L * d});
            shapes.put(p + "b_qkv", new long[] {3L * d});
            shapes.put(p + "w_o", new long[] {d, d});
            shapes.put(p + "b_o", new long[] {d});
            shapes.put(p + "ln2_g", new long[] {d});
            shapes.put(p + "ln2_b", new long[] {d});
            shapes.put(p + "w_ff1", new long[] {d, c.dFf()});
            shapes.put(p + "b_ff1", new long[] {c.dFf()});
            shapes.put(p + "w_ff2", new long[] {c.dFf(), d});
            shapes.put(p + "b_ff2", new long[] {d});
        }
        shapes.put("lnf_g", new long[] {d});
        shapes.put("lnf_b", new long[] {d});
        return shapes;
    }

    /**
     * Seeded initial weights: normal(0, 0.02) matrices (output projections scaled down by
     * sqrt(2 x layers), as in GPT-2), zero biases, unit LayerNorm gains.
     */
    public static GptWeights initial(GptConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : names(config).entrySet()) {
            String name = e.getKey();
            float[] t = new float[(int) Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b)];
            if (name.endsWith("_g")) {
                Arrays.fill(t, 1f);
            } else if (name.contains("emb") || name.contains(".w_")) {
                double std = name.endsWith("w_o") || name.endsWith("w_ff2")
                        ? 0.02 / Math.sqrt(2.0 * config.layers()) : 0.02;
                for (int i = 0; i < t.length; i++) {
                    t[i] = (float) (rng.nextGaussian() * std);
                }
            }
            tensors.put(name, t);
        }
        return new GptWeights(config, tensors);
    }

    /** Weights from named tensors; checks that every tensor is present with the right size. */
    public static GptWeights of(GptConfig config, Map<String, float[]> tensors) {
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : names(config).entrySet()) {
            float[] t = tensors.get(e.getKey());
            long size = Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            if (t == null || t.length != size) {
                throw new IllegalArgumentException("tensor " + e.getKey() + ": expected " + size + " values, got "
                        + (t == null ? "none" : t.length));
            }
            ordered.put(e.getKey(), t);
        }
        return new GptWeights(config, ordered);
    }

    public GptConfig config() {
        return config;
    }

    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return t;
    }

    public List<String> tensorNames() {
        return List.copyOf(tensors.keySet());
    }

    /** SHA-256 of the serialized weights, hex: identifies exactly these weights. */
    public String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(toBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            for (int v : new int[] {config.vocab(), config.context(), config.layers(), config.dModel(),
                    config.heads(), config.dFf()}) {
                out.writeInt(v);
            }
            for (float[] t : tensors.values()) {
                out.writeInt(t.length);
                ByteBuffer buf = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t);
                out.write(buf.array());
            }
            CRC32 crc = new CRC32();
            out.flush();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException(e);  // in-memory stream
        }
        return bytes.toByteArray();
    }

    /** Writes atomically: to a temporary file beside {@code file}, then renamed over it. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, toBytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static GptWeights read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads the format above; {@code source} names the data in error messages. */
    public static GptWeights read(InputStream input, String source) throws IOException {
        byte[] all = input.readAllBytes();
        if (all.length < MAGIC.length + 24 + 8 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException(source + ": not a qprobe GPT weights file (bad magic or too short)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new IOException(source + ": checksum mismatch: the weights file is corrupted or truncated");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, MAGIC.length,
                all.length - MAGIC.length - 8))) {
            GptConfig config = new GptConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt());
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (String name : names(config).keySet()) {
                int n = in.readInt();
                byte[] raw = in.readNBytes(n * 4);
                if (raw.length != n * 4) {
                    throw new EOFException();
                }
                float[] t = new float[n];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(t);
                tensors.put(name, t);
            }
            return of(config, tensors);
        } catch (EOFException | IllegalArgumentException e) {
            throw new IOException(source + ": weights do not match the stored model shape: " + e.getMessage(), e);
        }
    }
}
