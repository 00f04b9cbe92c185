package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hidden-state features against the reference's hidden states; the KV cache against recomputation; identity. */
class HiddenStatesTest {

    /** Layer i (and its negative alias), last token or mean, equals the reference's hidden_states[i]. */
    @Test
    void featuresAreTheReferencesHiddenStates() {
        String name = "qwen2-f32";
        HfModel model = HfFixtures.model(name);
        JsonNode expected = HfFixtures.expected(name);
        String text = expected.get("texts").get(0).asText();
        int t = expected.get("inputs").get(0).size();
        int d = model.config().hidden();
        int layers = model.config().layers();
        for (int layer = 0; layer <= layers; layer++) {
            float[] ref = HfFixtures.tensor(name, "hidden.0." + layer);
            float[] last = java.util.Arrays.copyOfRange(ref, (t - 1) * d, t * d);
            float[] mean = new float[d];
            for (int p = 0; p < t; p++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += ref[p * d + j] / t;
                }
            }
            HiddenStates byIndex = model.hiddenStates(layer, false);
            HiddenStates byNegative = model.hiddenStates(layer - layers - 1, false);
            assertEquals(layer, byNegative.index());
            assertEquals(byIndex.id(), byNegative.id());
            assertTrue(HfFixtures.maxAbsDiff(last, byIndex.embedTexts(List.of(text))[0]) < 1e-4, "last, layer " + layer);
            assertTrue(HfFixtures.maxAbsDiff(mean, model.hiddenStates(layer, true).embedTexts(List.of(text))[0]) < 1e-4,
                    "mean, layer " + layer);
        }
        assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(layers + 1, false));
        assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(-layers - 2, false));
    }

    /** A batch of completions of different lengths gives each the features it gets alone (padding is harmless). */
    @Test
    void batchedCompletionsMatchOneByOne() {
        HfModel model = HfFixtures.model("llama-bf16");
        HiddenStates h = model.hiddenStates(-2, true);
        List<String> completions = List.of(" return a + b", "", " x", " print('hello world')\n");
        float[][] batch = h.embed("def add(a, b):", completions);
        assertEquals(completions.size(), batch.length);
        for (int i = 0; i < completions.size(); i++) {
            float[] alone = h.embed("def add(a, b):", List.of(completions.get(i)))[0];
            assertEquals(model.config().hidden(), alone.length);
            assertTrue(HfFixtures.maxAbsDiff(alone, batch[i]) < 1e-5, "completion " + i);
        }
    }

    /** Each cached step's logits equal the full recomputation's logits at that position. */
    @Test
    void cachedStepsEqualRecomputation() {
        for (String name : HfFixtures.FLOAT32) {
            HfModel model = HfFixtures.model(name);
            int[] ids = HfFixtures.ints(HfFixtures.expected(name).get("inputs").get(0));
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                Transformer t = model.transformer();
                float[] full = t.forward(m, new int[][] {ids}, null, null, Transformer.Logits.ALL).logits()
                        .toFloatArray();
                KvCache cache = t.newCache();
                int v = model.config().vocab();
                int split = 3;
                NDArray first = t.forward(m, new int[][] {java.util.Arrays.copyOf(ids, split)}, cache, null,
                        Transformer.Logits.LAST).logits();
                assertArrayEquals(slice(full, split - 1, v), first.toFloatArray(), 1e-4f, name);
                for (int p = split; p < ids.length; p++) {
                    float[] step = t.forward(m, new int[][] {{ids[p]}}, cache, null, Transformer.Logits.LAST).logits()
                            .toFloatArray();
                    assertArrayEquals(slice(full, p, v), step, 1e-4f, name + " position " + p);
                }
                assertEquals(ids.length, cache.length());
            }
        }
    }

    private static float[] slice(float[] rows, int row, int width) {
        return java.util.Arrays.copyOfRange(rows, row * width, (row + 1) * width);
    }

    /** The id (cache key) changes when a weight file changes, and carries the compute dtype and template. */
    @Test
    void identityFollowsTheFiles(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("gpt2");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(HfFixtures.dir("gpt2-f32"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        String before;
        try (HfModel model = HfModel.load(dir, Device.cpu())) {
            before = model.id();
            assertTrue(before.startsWith("hf:gpt2@"), before);
            assertNotEquals(before, model.withPromptTemplate("Q: {prompt}\nA:").id());
            assertTrue(model.hiddenStates(-1, false).id().startsWith(before + "/hidden(layer=2,last)"));
        }
        Path weights = dir.resolve(Checkpoint.SINGLE);
        Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
        try (HfModel model = HfModel.load(dir, Device.cpu())) {
            assertNotEquals(before, model.id());
        }
    }
}
