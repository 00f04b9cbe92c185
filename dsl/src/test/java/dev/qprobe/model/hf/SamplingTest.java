package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** The sampler: seeds, batches, stop strings, EOS, and the distribution it draws from. */
class SamplingTest {
    private static final String PROMPT = "def add(a, b):";

    @Test
    void theSameSeedGivesTheSameCompletionsWhateverTheBatchSplit() {
        HfModel model = HfFixtures.model("llama-f32");
        SamplingConfig cfg = new SamplingConfig(5, 1.0, 0.9, 6, List.of(), 7);
        List<Completion> whole = model.sample(PROMPT, cfg);
        List<Completion> split;
        System.setProperty(BatchPlan.MAX_ROWS_PROPERTY, "2");
        try {
            split = model.sample(PROMPT, cfg);
        } finally {
            System.clearProperty(BatchPlan.MAX_ROWS_PROPERTY);
        }
        assertEquals(whole, split);
        assertEquals(5, whole.size());
        assertTrue(whole.stream().map(Completion::text).distinct().count() > 1, "k samples should differ: " + whole);
        assertNotEquals(whole, model.sample(PROMPT, cfg.withSeed(8)));
        whole.forEach(c -> assertEquals(6, c.tokens()));
    }

    @Test
    void aTinyTemperatureFollowsTheGreedyPath() {
        HfModel model = HfFixtures.model("gpt2-f32");
        int[] prompt = model.promptTokens(PROMPT);
        int[] greedy = model.greedy(prompt, 5, true);
        List<Completion> cold = model.sample(PROMPT, new SamplingConfig(3, 1e-4, 1.0, 5, List.of(), 1));
        String want = model.tokenizer().decode(greedy, 0, greedy.length);
        cold.forEach(c -> assertEquals(want, c.text()));
    }

    /** A stop string cuts the completion where it first appears, even inside a token; EOS ends it too. */
    @Test
    void stopStringsCutAndEosEnds() {
        HfModel model = HfFixtures.model("llama-f32");
        SamplingConfig cfg = new SamplingConfig(8, 1.0, 1.0, 12, List.of(), 3);
        List<Completion> free = model.sample(PROMPT, cfg);
        String first = free.get(0).text();
        String stop = first.substring(2, 3);
        List<Completion> cut = model.sample(PROMPT, cfg.withStop(List.of(stop)));
        for (int i = 0; i < free.size(); i++) {
            String text = free.get(i).text();
            int at = text.indexOf(stop);
            if (at >= 0) {
                assertEquals(text.substring(0, at), cut.get(i).text());
                assertTrue(cut.get(i).stopped());
            } else {
                assertEquals(text, cut.get(i).text());
            }
        }
        // qwen2-f32's generation_config.json lists token 10 (the newline byte) as an EOS id.
        HfModel qwen = HfFixtures.model("qwen2-f32");
        assertTrue(qwen.eosIds().contains(10));
        assertTrue(qwen.eosIds().contains(qwen.config().eosIds().get(0)));
    }

    /** With generation_config.json naming a token of the greedy path as EOS, cold samples end there. */
    @Test
    void anEosFromGenerationConfigEndsTheCompletion(@TempDir Path tmp) throws IOException {
        HfModel plain = HfFixtures.model("gpt2-f32");
        int[] greedy = plain.greedy(plain.promptTokens(PROMPT), 6, true);
        int end = firstFresh(greedy);
        Path dir = tmp.resolve("gpt2");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(HfFixtures.dir("gpt2-f32"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [" + greedy[end] + "]}");
        try (HfModel model = HfModel.load(dir, Device.cpu())) {
            assertNotEquals(plain.id(), model.id(), "generation_config.json is part of the identity");
            for (Completion c : model.sample(PROMPT, new SamplingConfig(4, 1e-4, 1.0, 10, List.of(), 1))) {
                assertEquals(new Completion(model.tokenizer().decode(greedy, 0, end), end + 1, true), c);
            }
        }
    }

    /**
     * The first token's empirical frequencies over 600 draws match softmax(logits / T) (each within
     * 5 standard errors), and with top-p no token outside the nucleus appears.
     */
    @Test
    void drawsFollowTheModelsDistribution() {
        HfModel model = HfFixtures.model("mistral-sharded");
        int[] prompt = model.promptTokens(PROMPT);
        double temperature = 1.5;
        double[] p;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = model.transformer().forward(m, new int[][] {prompt}, null, null, Transformer.Logits.LAST)
                    .logits();
            p = toDouble(logits.div(temperature).softmax(1).toFloatArray());
        }
        int n = 600;
        int[] counts = new int[p.length];
        for (int[] ids : model.sampleTokens(PROMPT, new SamplingConfig(n, temperature, 1.0, 1, List.of(), 11))) {
            counts[ids[0]]++;
        }
        for (int t = 0; t < p.length; t++) {
            double se = Math.sqrt(p[t] * (1 - p[t]) / n) + 1e-3;
            assertTrue(Math.abs(counts[t] / (double) n - p[t]) < 5 * se, "token " + t + ": " + counts[t] + "/" + n
                    + " vs p = " + p[t]);
        }
        // top-p 0.5: only the most likely tokens whose mass before them is under 0.5 can appear
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        boolean[] allowed = new boolean[p.length];
        double mass = 0;
        for (int i = 0; i < p.length && mass < 0.5; i++) {
            allowed[order[i]] = true;
            mass += p[order[i]];
        }
        for (int[] ids : model.sampleTokens(PROMPT, new SamplingConfig(200, temperature, 0.5, 1, List.of(), 12))) {
            assertTrue(allowed[ids[0]], "token " + ids[0] + " is outside the top-p 0.5 nucleus");
        }
    }

    /** The first position whose token did not occur before it. */
    private static int firstFresh(int[] tokens) {
        for (int i = 1; i < tokens.length; i++) {
            boolean seen = false;
            for (int j = 0; j < i; j++) {
                seen |= tokens[j] == tokens[i];
            }
            if (!seen) {
                return i;
            }
        }
        throw new AssertionError("the greedy path repeats one token");
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
