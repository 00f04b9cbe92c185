package dev.qprobe.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.SamplingConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation and features of the DJL transformer, on small random weights (fast, no training). */
class BuiltinModelTest {
    private static final GptConfig SMALL = new GptConfig(CharTokenizer.VOCAB_SIZE, 32, 2, 32, 4, 64);
    private static BuiltinModel model;

    @BeforeAll
    static void load() {
        model = BuiltinModel.of(GptWeights.initial(SMALL, 3), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SamplingConfig config() {
        return new SamplingConfig(6, 1.0, 1.0, 10, List.of("\n"), 5);
    }

    @Test
    void sameSeedSameCompletionsAndTheyDoNotDependOnEarlierCalls() {
        List<Completion> first = model.sample("12+34=", config());
        model.sample("another prompt", config());
        assertEquals(first, model.sample("12+34=", config()));
        assertNotEquals(first, model.sample("12+34=", config().withSeed(6)));
        assertEquals(6, first.size());
    }

    @Test
    void kvCacheGivesTheSameCompletionsAsRecomputingEverything() {
        for (long seed = 0; seed < 3; seed++) {
            SamplingConfig c = config().withSeed(seed).withMaxTokens(20);
            assertEquals(model.generate("9+9=", c, false), model.generate("9+9=", c, true), "seed " + seed);
        }
    }

    @Test
    void kvCacheLogitsMatchAFullForwardPass() {
        TinyGpt gpt = TinyGpt.load(GptWeights.initial(SMALL, 4), Device.cpu());
        try (gpt; NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            int[][] seq = {{0, 20, 21, 22, 23, 24, 25}};
            float[] full = gpt.forward(scope, seq, false).logits().get(":, -1, :").toFloatArray();
            TinyGpt.KvCache cache = gpt.newCache();
            gpt.step(scope, cache, new int[][] {{0, 20, 21}});
            gpt.step(scope, cache, new int[][] {{22, 23}});
            gpt.step(scope, cache, new int[][] {{24}});
            float[] cached = gpt.step(scope, cache, new int[][] {{25}}).toFloatArray();
            assertArrayEquals(full, cached, 1e-4f);
            assertEquals(7, cache.length());
        }
    }

    @Test
    void stopStringsEndCompletionsAndAreNotIncluded() {
        List<String> digits = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "e", " ");
        List<Completion> out = model.sample("x", config().withStop(digits).withMaxTokens(30).withK(20));
        int stopped = 0;
        for (Completion c : out) {
            for (String d : digits) {
                assertFalse(c.text().contains(d), c + " contains stop " + d);
            }
            if (c.stopped()) {
                stopped++;
                assertEquals(c.text().length() + 1, c.tokens());
            } else {
                assertEquals(30, c.tokens());
            }
        }
        assertTrue(stopped > 0, "13 of 97 tokens stop; some of 20 samples must hit one: " + out);
    }

    @Test
    void maxTokensAndContextBoundTheLength() {
        for (Completion c : model.sample("ab", config().withStop(List.of("~~~")).withMaxTokens(7))) {
            assertEquals(7, c.tokens());
            assertFalse(c.stopped());
        }
        // Context 32: BOS + 28 prompt characters leave room for 3 generated tokens.
        for (Completion c : model.sample("a".repeat(28), config().withStop(List.of("~~~")).withMaxTokens(10))) {
            assertEquals(3, c.tokens());
        }
    }

    @Test
    void hiddenStateFeaturesHaveTheModelWidthAndDependOnLayerAndPooling() {
        List<String> completions = List.of("Q 46", "C 2+4=6 1+3=4 =46", "");
        Embedder last = model.hiddenStates(-1, false);
        float[][] f = last.embed("12+34=", completions);
        assertEquals(3, f.length);
        assertEquals(SMALL.dModel(), f[0].length);
        assertEquals(SMALL.dModel(), last.dim());
        assertFalse(java.util.Arrays.equals(f[0], model.hiddenStates(-2, false).embed("12+34=", completions)[0]));
        assertFalse(java.util.Arrays.equals(f[1], model.hiddenStates(-1, true).embed("12+34=", completions)[1]));
        // Right padding in a batch does not change a row's features (causal attention).
        assertArrayEquals(f[0], last.embed("12+34=", List.of("Q 46"))[0], 1e-5f);
        assertTrue(last.id().contains("layer=-1") && last.id().startsWith(model.id()), last.id());
    }

    @Test
    void callsFromSeveralThreadsGiveWhatOneThreadGives() throws Exception {
        List<String> prompts = List.of("12+34=", "9+9=", "0473+0586=", "77+1=", "5+50=", "8+0=");
        SamplingConfig c = config().withMaxTokens(20);
        Embedder last = model.hiddenStates(-1, false);
        List<List<Completion>> alone = prompts.stream().map(p -> model.sample(p, c)).toList();
        List<float[][]> aloneFeatures = new java.util.ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            aloneFeatures.add(last.embed(prompts.get(i), alone.get(i).stream().map(Completion::text).toList()));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<List<Completion>>> samples = new java.util.ArrayList<>();
            List<java.util.concurrent.Future<float[][]>> features = new java.util.ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                String p = prompts.get(i);
                List<String> texts = alone.get(i).stream().map(Completion::text).toList();
                samples.add(pool.submit(() -> model.sample(p, c)));
                features.add(pool.submit(() -> last.embed(p, texts)));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(alone.get(i), samples.get(i).get(), prompts.get(i));
                float[][] f = features.get(i).get();
                for (int r = 0; r < f.length; r++) {
                    assertArrayEquals(aloneFeatures.get(i)[r], f[r], prompts.get(i) + " row " + r);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(model.preferredConcurrency() >= 1);
    }

    @Test
    void badInputGetsClearErrors() {
        var layer = assertThrows(IllegalArgumentException.class, () -> model.hiddenStates(0, false));
        assertTrue(layer.getMessage().contains("-1 (last) to -2"), layer.getMessage());
        var ascii = assertThrows(IllegalArgumentException.class, () -> model.sample("1+1=\u00e9", config()));
        assertTrue(ascii.getMessage().contains("U+00E9") && ascii.getMessage().contains("position 4"), ascii.getMessage());
        var tooLong = assertThrows(IllegalArgumentException.class, () -> model.sample("a".repeat(40), config()));
        assertTrue(tooLong.getMessage().contains("context of 32"), tooLong.getMessage());
    }

    @Test
    void logProbabilitiesAreTheSamplersExactDistribution() {
        // Every one-token completion: their probabilities under the sampler sum to 1, with or
        // without a nucleus cut (tokens outside it get -Infinity).
        List<String> all = new java.util.ArrayList<>();
        for (int t = 1; t < CharTokenizer.VOCAB_SIZE; t++) {
            all.add(CharTokenizer.decode(t));
        }
        List<Boolean> no = java.util.Collections.nCopies(all.size(), false);
        for (double topP : new double[] {1.0, 0.5}) {
            SamplingConfig c = new SamplingConfig(4, 0.7, topP, 1, List.of("\n"), 1);
            double[] lp = model.logProbabilities("12+34=", all, no, c);
            double sum = 0;
            int outside = 0;
            for (double v : lp) {
                sum += Math.exp(v);
                outside += v == Double.NEGATIVE_INFINITY ? 1 : 0;
            }
            assertEquals(1.0, sum, 1e-6, "top-p " + topP);
            assertTrue(topP == 1.0 ? outside == 0 : outside > 0, "top-p " + topP + ": " + outside + " outside");
        }
        // A stopped completion includes its stop string; a sampled one is possible (finite).
        SamplingConfig c = config().withMaxTokens(8);
        assertEquals(model.logProbabilities("7+", List.of("ab\n"), List.of(false), c)[0],
                model.logProbabilities("7+", List.of("ab"), List.of(true), c)[0], 1e-9);
        for (Completion done : model.sample("7+", c)) {
            double lp = model.logProbabilities("7+", List.of(done.text()), List.of(done.stopped()), c)[0];
            assertTrue(Double.isFinite(lp) && lp < 0, done + ": " + lp);
        }
        var two = assertThrows(IllegalArgumentException.class, () -> model.logProbabilities("7+", List.of("a"),
                List.of(true), c.withStop(List.of("\n", "x"))));
        assertTrue(two.getMessage().contains("2 stop strings"), two.getMessage());
    }

    @Test
    void nucleusSamplingDrawsOnlyFromTheTopPMass() {
        float[] logits = {(float) Math.log(0.4), (float) Math.log(0.3), (float) Math.log(0.2), (float) Math.log(0.1)};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        int[] counts = new int[4];
        for (int i = 0; i < 20_000; i++) {
            counts[Nucleus.sample(logits, 0, 4, 1.0, 0.5, rng)]++;
        }
        assertEquals(0, counts[2] + counts[3], "0.4 + 0.3 reaches top-p 0.5; tokens 2 and 3 are outside");
        assertEquals(4.0 / 7, counts[0] / 20_000.0, 0.015);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, Nucleus.sample(logits, 0, 4, 1.0, 0.01, rng), "a tiny top-p is greedy");
        }
        double[] hot = Nucleus.probabilities(logits, 0, 4, 0.5);
        assertEquals(0.16 / 0.30, hot[0], 1e-6, "temperature 0.5 squares and renormalises");
    }
}
