package dev.qprobe.cache;

import static dev.qprobe.cache.Fixtures.assertSameFeatures;
import static dev.qprobe.cache.Fixtures.assertSameSamples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final CacheKey KEY = CacheKey.of("sampler", "fake-lm", "task", "arith", "k", "3");
    private static final String EMB = "emb/layer-12";
    private static final int K = 3;
    private static final int D = 4;

    @TempDir
    Path root;

    private final List<String> warnings = new ArrayList<>();

    private SampleCache open() throws IOException {
        return SampleCache.open(root, KEY, warnings::add);
    }

    private Path log() {
        return root.resolve(KEY.digest()).resolve(SampleCache.LOG_FILE);
    }

    /**
     * Writes samples then features of p0, p1 and p2: six records. Returns where each record ends:
     * element r is the log size after r records (element 0 is the file header's size).
     */
    private long[] writeThreePrompts() throws Exception {
        long[] ends = new long[7];
        try (SampleCache cache = open()) {
            ends[0] = Files.size(log());
            for (int p = 0; p < 3; p++) {
                String id = "p" + p;
                Fixtures.put(cache, id, K);
                ends[2 * p + 1] = Files.size(log());
                cache.putFeatures(id, EMB, Fixtures.features(id, EMB, K, D));
                ends[2 * p + 2] = Files.size(log());
            }
        }
        assertEquals(SampleCache.FILE_HEADER_BYTES, ends[0]);
        return ends;
    }

    /** Checks that {@code cache} holds exactly the first {@code records} records of {@link #writeThreePrompts}. */
    private static void assertHoldsFirst(SampleCache cache, int records) throws IOException {
        assertHoldsFirst(cache, records, 0);
    }

    /** The same, where the cache also holds {@code others} prompts not named p0, p1 or p2. */
    private static void assertHoldsFirst(SampleCache cache, int records, int others) throws IOException {
        for (int p = 0; p < 3; p++) {
            String id = "p" + p;
            boolean hasSamples = records >= 2 * p + 1;
            boolean hasFeatures = records >= 2 * p + 2;
            Optional<PromptSamples> samples = cache.samples(id);
            assertEquals(hasSamples, samples.isPresent(), id + " samples, " + records + " records");
            if (hasSamples) {
                assertSameSamples(Fixtures.samples(id, K), samples.get());
            }
            assertEquals(hasFeatures, cache.hasFeatures(id, EMB), id + " features, " + records + " records");
            Optional<float[][]> features = cache.features(id, EMB);
            assertEquals(hasFeatures, features.isPresent());
            if (hasFeatures) {
                assertSameFeatures(Fixtures.features(id, EMB, K, D), features.get());
            }
        }
        assertEquals((records + 1) / 2 + others, cache.size());
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

    @Test
    void aKeyFileForAnotherKeyFailsLoudlyAndIsLeftAlone() throws Exception {
        writeThreePrompts();
        Path keyFile = root.resolve(KEY.digest()).resolve("key.json");
        String other = KEY.with("k", "4").toJson();
        Files.writeString(keyFile, other);
        byte[] logBytes = Files.readAllBytes(log());
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("key.json") && e.getMessage().contains("k=4")
                && e.getMessage().contains("k=3") && e.getMessage().contains("delete"), e.getMessage());
        assertEquals(other, Files.readString(keyFile));
        assertArrayEquals(logBytes, Files.readAllBytes(log()));

        Files.writeString(keyFile, "{\"sampler\": \"fake-lm\", ");
        e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("cannot read cache key file"), e.getMessage());

        // A missing key file is written again: it only describes the directory.
        Files.delete(keyFile);
        try (SampleCache cache = open()) {
            assertHoldsFirst(cache, 6);
        }
        assertEquals(KEY.toJson(), Files.readString(keyFile));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aLogOfAnotherKeyOrFormatFailsLoudlyAndIsLeftAlone() throws Exception {
        writeThreePrompts();
        byte[] good = Files.readAllBytes(log());

        CacheKey other = KEY.with("k", "4");
        SampleCache.open(root, other).close();
        Path otherLog = root.resolve(other.digest()).resolve(SampleCache.LOG_FILE);
        Files.write(otherLog, good);
        IOException e = assertThrows(IOException.class, () -> SampleCache.open(root, other));
        assertTrue(e.getMessage().contains("belongs to the cache key with digest " + KEY.digest()), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(otherLog));

        byte[] newer = good.clone();
        newer[8] = 2; // format version
        Files.write(log(), newer);
        e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
        assertArrayEquals(newer, Files.readAllBytes(log()));

        Files.writeString(log(), "something else entirely, long enough to hold a header");
        e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("is not a qprobe cache log"), e.getMessage());
        Files.writeString(log(), "short");
        assertThrows(IOException.class, this::open);
        assertEquals("short", Files.readString(log()));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aLogWhoseCreationWasInterruptedIsStartedAgain() throws Exception {
        writeThreePrompts();
        byte[] good = Files.readAllBytes(log());
        for (int cut : new int[] {0, 1, 8, 20, SampleCache.FILE_HEADER_BYTES - 1}) {
            Files.write(log(), Arrays.copyOf(good, cut));
            try (SampleCache cache = open()) {
                assertHoldsFirst(cache, 0);
                Fixtures.put(cache, "p0", K);
            }
            try (SampleCache cache = open()) {
                assertHoldsFirst(cache, 1);
            }
        }
        assertEquals(List.of(), warnings);
    }

    // ---- torn writes and corruption ----

    @Test
    void aTornRecordIsDroppedWithAWarningAndTheCacheGoesOn() throws Exception {
        long[] ends = writeThreePrompts();
        byte[] full = Files.readAllBytes(log());
        TreeSet<Long> cuts = new TreeSet<>();
        for (long cut = ends[5]; cut <= ends[6]; cut++) {
            cuts.add(cut); // every offset inside the last record, and both its ends
        }
        for (int r = 1; r <= 5; r++) {
            long start = ends[r - 1];
            long length = ends[r] - start;
            for (long cut : new long[] {start + 1, start + SampleCache.RECORD_HEADER_BYTES, start + length / 2,
                    ends[r] - 1}) {
                cuts.add(cut);
            }
        }
        for (long cut : cuts) {
            Files.write(log(), Arrays.copyOf(full, (int) cut));
            warnings.clear();
            int whole = 0;
            while (whole < 6 && ends[whole + 1] <= cut) {
                whole++;
            }
            String at = "cut at " + cut + " (" + whole + " whole records)";
            try (SampleCache cache = open()) {
                assertHoldsFirst(cache, whole);
                if (cut == ends[whole]) {
                    assertEquals(List.of(), warnings, at);
                } else {
                    assertEquals(1, warnings.size(), at);
                    String warning = warnings.get(0);
                    assertTrue(warning.startsWith("WARNING: cache ") && warning.contains("record " + (whole + 1))
                            && warning.contains("torn write") && warning.contains("at byte " + ends[whole])
                            && warning.contains("(" + (cut - ends[whole]) + " bytes)")
                            && warning.contains("The " + whole + " records before it were kept")
                            && warning.contains("will be re-made"), warning);
                }
                assertEquals(ends[whole], Files.size(log()), at + ": the torn tail is cut off");
                cache.putSamples("new", List.of(new Completion("after " + cut, 1, true)), new double[] {cut});
                cache.putFeatures("new", EMB, new float[][] {{cut}});
            }
            warnings.clear();
            try (SampleCache cache = open()) {
                assertHoldsFirst(cache, whole, 1);
                assertEquals("after " + cut, cache.samples("new").orElseThrow().completions().get(0).text());
                assertSameFeatures(new float[][] {{cut}}, cache.features("new", EMB).orElseThrow());
            }
            assertEquals(List.of(), warnings, at + ": reopening again is clean");
        }
    }

    @Test
    void anyFlippedByteDropsItsRecordAndAllAfterIt() throws Exception {
        long[] ends = writeThreePrompts();
        byte[] full = Files.readAllBytes(log());
        int record = 3; // the samples of p1
        for (long i = ends[record - 1]; i < ends[record]; i++) {
            byte[] damaged = full.clone();
            damaged[(int) i] ^= (byte) 0x5A;
            Files.write(log(), damaged);
            warnings.clear();
            try (SampleCache cache = open()) {
                assertHoldsFirst(cache, record - 1);
            }
            assertEquals(1, warnings.size(), "byte " + i);
            String warning = warnings.get(0);
            assertTrue(warning.contains("record " + record + " is unusable") && warning.contains("at byte " + ends[record - 1])
                    && warning.contains((full.length - ends[record - 1]) + " bytes"), warning);
            assertEquals(ends[record - 1], Files.size(log()));
        }
        // A flip in the middle of the payload is caught by the checksum.
        byte[] damaged = full.clone();
        damaged[(int) (ends[5] + ends[6]) / 2] ^= 1;
        Files.write(log(), damaged);
        warnings.clear();
        try (SampleCache cache = open()) {
            assertHoldsFirst(cache, 5);
        }
        assertTrue(warnings.get(0).contains("record 6 is unusable (checksum mismatch)"), warnings.get(0));
    }

    @Test
    void aZeroFilledTailIsDropped() throws Exception {
        long[] ends = writeThreePrompts();
        // What a power cut can leave: the file grew but its last blocks were never written.
        Files.write(log(), new byte[5000], StandardOpenOption.APPEND);
        try (SampleCache cache = open()) {
            assertHoldsFirst(cache, 6);
        }
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("record 7 is unusable (no record starts there)"), warnings.get(0));
        assertEquals(ends[6], Files.size(log()));
    }

    @Test
    void damageAfterOpeningIsCaughtOnRead() throws Exception {
        long[] ends = writeThreePrompts();
        try (SampleCache cache = open()) {
            try (FileChannel channel = FileChannel.open(log(), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {0x7f}), (ends[2] + ends[3]) / 2);
            }
            assertTrue(cache.samples("p1").isEmpty());
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).contains("samples record of prompt \"p1\" changed on disk"), warnings.get(0));
            assertHoldsFirst(cache, 2); // p1's features and everything after were cut off with it
            Fixtures.put(cache, "p1", K);
        }
        warnings.clear();
        try (SampleCache cache = open()) {
            assertHoldsFirst(cache, 3);
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
            assertHoldsFirst(cache, 1);
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
