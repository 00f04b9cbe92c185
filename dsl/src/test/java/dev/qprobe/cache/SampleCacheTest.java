package dev.qprobe.cache;

import static dev.qprobe.cache.Fixtures.assertSameFeatures;
import static dev.qprobe.cache.Fixtures.assertSameSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.PromptSamples;
import dev.qprobe.model.Completion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCacheTest {
    private static final CacheKey KEY = ThreePrompts.KEY;
    private static final String EMB = ThreePrompts.EMB;
    private static final int K = ThreePrompts.K;
    private static final int D = ThreePrompts.D;

    @TempDir
    Path root;

    private final List<String> warnings = new ArrayList<>();

    private SampleCache open() throws IOException {
        return SampleCache.open(root, KEY, warnings::add);
    }

    // ---- round trips ----

    @Test
    void roundTripsBitExactAndSurvivesReopen() throws Exception {
        int k = 7;
        String id = "prompt ☃ 😀\nwith a newline";
        float[][] small = Fixtures.features(id, "a", k, 1);
        float[][] big = Fixtures.features(id, "b", k, 4096);
        try (SampleCache cache = open()) {
            assertEquals(root.resolve(KEY.digest()), cache.directory());
            assertEquals(0, cache.size());
            assertTrue(cache.samples(id).isEmpty());
            Fixtures.put(cache, id, k);
            Fixtures.put(cache, "second", 1);
            cache.putFeatures(id, "a", small);
            cache.putFeatures(id, "b", big);
            small[0][0] = 42; // the cache holds its own copy
            assertSameSamples(Fixtures.samples(id, k), cache.samples(id).orElseThrow());
            assertSameFeatures(Fixtures.features(id, "a", k, 1), cache.features(id, "a").orElseThrow());
            assertSameFeatures(big, cache.features(id, "b").orElseThrow());
        }
        try (SampleCache cache = open()) {
            assertEquals(List.of(id, "second"), List.copyOf(cache.promptIds()));
            assertEquals(2, cache.size());
            assertSameSamples(Fixtures.samples(id, k), cache.samples(id).orElseThrow());
            assertSameSamples(Fixtures.samples("second", 1), cache.samples("second").orElseThrow());
            assertEquals(Fixtures.samples(id, k), cache.samples(id).orElseThrow());
            assertSameFeatures(Fixtures.features(id, "a", k, 1), cache.features(id, "a").orElseThrow());
            assertSameFeatures(big, cache.features(id, "b").orElseThrow());
            assertTrue(cache.features(id, "c").isEmpty());
            assertTrue(cache.features("second", "a").isEmpty());
            assertFalse(cache.hasFeatures("absent", "a"));
        }
        assertEquals(List.of(), warnings);
        assertEquals(KEY.entries(), CacheKey.parseJson(Files.readString(root.resolve(KEY.digest()).resolve("key.json"))));
    }

    @Test
    void laterPutsReplaceEarlierOnesAndNewSamplesForgetOldFeatures() throws Exception {
        List<Completion> first = List.of(new Completion("first", 1, true), new Completion("x", 2, false));
        List<Completion> second = List.of(new Completion("second", 3, true), new Completion("y", 4, true));
        float[][] f1 = {{1, 2}, {3, 4}};
        float[][] f2 = {{5, 6, 7}, {8, 9, 10}};
        try (SampleCache cache = open()) {
            cache.putSamples("p", first, new double[] {0, 1});
            cache.putFeatures("p", EMB, f1);
            cache.putFeatures("p", EMB, f2);
            assertSameFeatures(f2, cache.features("p", EMB).orElseThrow());
            cache.putSamples("p", second, new double[] {1, 0});
            assertFalse(cache.hasFeatures("p", EMB), "features of the replaced samples are gone");
            assertTrue(cache.features("p", EMB).isEmpty());
            assertEquals(new PromptSamples(second, new double[] {1, 0}), cache.samples("p").orElseThrow());
        }
        try (SampleCache cache = open()) {
            assertEquals(new PromptSamples(second, new double[] {1, 0}), cache.samples("p").orElseThrow());
            assertFalse(cache.hasFeatures("p", EMB));
            assertEquals(1, cache.size());
            cache.putFeatures("p", EMB, f1);
        }
        try (SampleCache cache = open()) {
            assertSameFeatures(f1, cache.features("p", EMB).orElseThrow());
        }
        assertEquals(List.of(), warnings);
    }

    // ---- keys and directories ----

    @Test
    void differentKeysUseDifferentDirectoriesAndOrderDoesNotMatter() throws Exception {
        CacheKey a = CacheKey.of("sampler", "m", "k", "3");
        CacheKey b = a.with("k", "4");
        try (SampleCache ca = SampleCache.open(root, a); SampleCache cb = SampleCache.open(root, b)) {
            assertNotEquals(ca.directory(), cb.directory());
            ca.putSamples("p", List.of(new Completion("a", 1, true)), new double[] {1});
            assertTrue(cb.samples("p").isEmpty());
        }
        // The same entries in another order are the same key: same directory, and its key.json matches.
        try (SampleCache again = SampleCache.open(root, CacheKey.of("k", "3", "sampler", "m"), warnings::add)) {
            assertEquals(root.resolve(a.digest()), again.directory());
            assertTrue(again.samples("p").isPresent());
        }
        assertEquals(List.of(), warnings);
    }

    // ---- locking ----

    @Test
    void aSecondOpenInTheSameProcessFailsClearly() throws Exception {
        try (SampleCache cache = open()) {
            IOException e = assertThrows(IOException.class, this::open);
            assertEquals("cache " + cache.directory() + " is in use: it is already open in this process", e.getMessage());
            Fixtures.put(cache, "p0", K); // the failed open did not disturb the first
        }
        try (SampleCache cache = open()) {
            ThreePrompts.assertHoldsFirst(cache, 1);
        }
    }

    @Test
    void threadsMayShareAStore() throws Exception {
        int threads = 4;
        int perThread = 25;
        try (SampleCache cache = open()) {
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                Thread worker = new Thread(() -> {
                    try {
                        for (int i = first; i < first + perThread; i++) {
                            String id = "t" + i;
                            Fixtures.put(cache, id, K);
                            cache.putFeatures(id, EMB, Fixtures.features(id, EMB, K, D));
                            assertSameSamples(Fixtures.samples(id, K), cache.samples(id).orElseThrow());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertEquals(List.of(), failures);
        }
        try (SampleCache cache = open()) {
            assertEquals(threads * perThread, cache.size());
            for (int i = 0; i < threads * perThread; i++) {
                String id = "t" + i;
                assertSameSamples(Fixtures.samples(id, K), cache.samples(id).orElseThrow());
                assertSameFeatures(Fixtures.features(id, EMB, K, D), cache.features(id, EMB).orElseThrow());
            }
        }
        assertEquals(List.of(), warnings);
    }

    // ---- validation ----

    @Test
    void invalidPutsAreRejectedNamingThePrompt() throws Exception {
        try (SampleCache cache = open()) {
            List<Completion> two = Fixtures.completions("p", 2);
            assertRejected("\"p\"", () -> cache.putSamples("p", two, new double[] {1}));
            assertRejected("\"p\"", () -> cache.putSamples("p", List.of(), new double[0]));
            assertRejected("\"p\": reward 1 is NaN", () -> cache.putSamples("p", two, new double[] {0, Double.NaN}));
            assertRejected("\"p\": reward 0 is -Infinity",
                    () -> cache.putSamples("p", two, new double[] {Double.NEGATIVE_INFINITY, 0}));
            assertRejected("prompt id", () -> cache.putSamples(" ", two, new double[] {0, 1}));
            IllegalStateException noSamples = assertThrows(IllegalStateException.class,
                    () -> cache.putFeatures("p", EMB, new float[][] {{1}, {2}}));
            assertTrue(noSamples.getMessage().contains("\"p\""), noSamples.getMessage());

            cache.putSamples("p", two, new double[] {0, 1});
            assertRejected("\"p\": 3 feature rows for 2 completions",
                    () -> cache.putFeatures("p", EMB, new float[][] {{1}, {2}, {3}}));
            assertRejected("\"p\": feature row 1 has 1 values but row 0 has 2",
                    () -> cache.putFeatures("p", EMB, new float[][] {{1, 2}, {3}}));
            assertRejected("\"p\"", () -> cache.putFeatures("p", EMB, new float[][] {{}, {}}));
            assertRejected("\"p\": feature [1][0] is NaN", () -> cache.putFeatures("p", EMB, new float[][] {{1}, {Float.NaN}}));
            assertRejected("\"p\": feature [0][1] is Infinity",
                    () -> cache.putFeatures("p", EMB, new float[][] {{1, Float.POSITIVE_INFINITY}, {2, 3}}));
            assertRejected("feature source id", () -> cache.putFeatures("p", "", new float[][] {{1}, {2}}));
            assertFalse(cache.hasFeatures("p", EMB));
        }
        try (SampleCache cache = open()) {
            assertEquals(1, cache.size(), "rejected puts wrote nothing");
        }
        assertEquals(List.of(), warnings);
    }

    private interface Put {
        void run() throws Exception;
    }

    private static void assertRejected(String messagePart, Put put) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, put::run);
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void aClosedCacheRefusesUse() throws Exception {
        SampleCache cache = open();
        cache.close();
        cache.close();
        assertThrows(IllegalStateException.class, () -> cache.samples("p"));
        assertThrows(IllegalStateException.class, () -> Fixtures.put(cache, "p", 1));
        assertThrows(IllegalStateException.class, cache::size);
    }
}
