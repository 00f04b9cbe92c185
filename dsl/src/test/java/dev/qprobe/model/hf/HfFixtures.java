package dev.qprobe.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The tiny checkpoints and expected outputs made by src/test/python/hf_reference.py (a PyTorch
 * reference written after Hugging Face's modelling code, and a hand-written byte-level BPE; no
 * {@code transformers} was available). Regenerate with:
 * {@code /usr/bin/python3 dsl/src/test/python/hf_reference.py dsl/src/test/resources/dev/qprobe/model/hf}
 */
final class HfFixtures {
    static final String[] FLOAT32 = {"gpt2-f32", "llama-f32", "qwen2-f32", "mistral-sharded"};

    private HfFixtures() {
    }

    static Path root() {
        try {
            return Path.of(HfFixtures.class.getResource("/dev/qprobe/model/hf/tokenizer-cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.Map<String, HfModel> LOADED = new java.util.HashMap<>();

    /** The checkpoint loaded on the CPU once per test JVM (tests only read from it). */
    static synchronized HfModel model(String name) {
        return LOADED.computeIfAbsent(name, n -> HfModel.load(dir(n), ai.djl.Device.cpu()));
    }

    static Path dir(String name) {
        return root().resolve(name);
    }

    static JsonNode expected(String name) {
        return json(dir(name).resolve("expected.json"));
    }

    static JsonNode json(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** A float32 tensor of expected.safetensors, flattened. */
    static float[] tensor(String name, String tensor) {
        try {
            SafetensorsFile f = SafetensorsFile.open(dir(name).resolve("expected.safetensors"));
            SafetensorsFile.Entry e = f.entries().get(tensor);
            if (e == null) {
                throw new IllegalArgumentException("no expected tensor " + tensor + " for " + name);
            }
            ByteBuffer b = f.map(e);
            float[] out = new float[(int) e.elements()];
            b.asFloatBuffer().get(out);
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
