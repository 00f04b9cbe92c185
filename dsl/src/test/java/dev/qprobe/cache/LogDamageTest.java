package dev.qprobe.cache;

import static dev.qprobe.cache.ThreePrompts.EMB;
import static dev.qprobe.cache.ThreePrompts.K;
import static dev.qprobe.cache.ThreePrompts.KEY;
import static dev.qprobe.cache.ThreePrompts.assertHolds;
import static dev.qprobe.cache.ThreePrompts.assertHoldsFirst;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.model.Completion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn writes, flipped bytes and damaged headers: each costs only what it damaged, and nothing is deleted. */
class LogDamageTest {
    @TempDir
    Path root;

    private ThreePrompts cache;

    private ThreePrompts cache() {
        if (cache == null) {
            cache = new ThreePrompts(root);
        }
        return cache;
    }

    private List<String> warnings() {
        return cache().warnings;
    }

    private List<Path> asideFiles() throws IOException {
        try (Stream<Path> files = Files.list(cache().directory())) {
            return files.filter(p -> p.getFileName().toString().contains(".damaged-")).sorted().toList();
        }
    }

    private void deleteAsideFiles() throws IOException {
        for (Path p : asideFiles()) {
            Files.delete(p);
        }
    }

    private static Set<Integer> allBut(int... lost) {
        Set<Integer> held = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6));
        for (int r : lost) {
            held.remove(r);
        }
        return held;
    }

    private static Set<Integer> first(int records) {
        Set<Integer> held = new TreeSet<>();
        for (int r = 1; r <= records; r++) {
            held.add(r);
        }
        return held;
    }

    @Test
    void aTornTailCostsOnlyTheTornRecordAndIsKeptAside() throws Exception {
        long[] ends = cache().write();
        byte[] full = Files.readAllBytes(cache().log());
        TreeSet<Long> cuts = new TreeSet<>();
        for (int r = 1; r <= 6; r++) {
            long start = ends[r - 1];
            for (long cut : new long[] {start + 1, start + RecordCodec.RECORD_HEADER_BYTES, (start + ends[r]) / 2,
                    ends[r] - 1}) {
                cuts.add(cut);
            }
        }
        for (long cut : cuts) {
            Files.write(cache().log(), Arrays.copyOf(full, (int) cut));
            deleteAsideFiles();
            warnings().clear();
            int whole = 0;
            while (ends[whole + 1] <= cut) {
                whole++;
            }
            String at = "cut at " + cut + " (" + whole + " whole records)";
            try (SampleCache c = cache().open()) {
                assertHoldsFirst(c, whole);
                assertEquals(1, warnings().size(), at);
                String warning = warnings().get(0);
                assertTrue(warning.startsWith("WARNING: cache ") && warning.contains("torn write")
                        && warning.contains((cut - ends[whole]) + " bytes at byte " + ends[whole])
                        && warning.contains("up to the end") && warning.contains("will be re-made"), warning);
                assertEquals(ends[whole], Files.size(cache().log()), at + ": only the torn bytes leave the log");
                c.putSamples("new", List.of(new Completion("after " + cut, 1, true)), new double[] {cut});
            }
            List<Path> aside = asideFiles();
            assertEquals(1, aside.size(), at);
            assertArrayEquals(Arrays.copyOfRange(full, (int) ends[whole], (int) cut), Files.readAllBytes(aside.get(0)));
            warnings().clear();
            try (SampleCache c = cache().open()) {
                assertEquals("after " + cut, c.samples("new").orElseThrow().completions().get(0).text());
                assertHolds(c, first(whole), 1);
            }
            assertEquals(List.of(), warnings(), at + ": reopening again is clean");
        }
    }

    @Test
    void anyFlippedByteCostsOnlyItsRecord() throws Exception {
        long[] ends = cache().write();
        byte[] full = Files.readAllBytes(cache().log());
        for (int record : new int[] {3, 2, 6}) {
            long start = ends[record - 1];
            TreeSet<Long> flips = new TreeSet<>(List.of(start, start + 4, start + 5, (start + ends[record]) / 2,
                    ends[record] - 1));
            for (long i = start; i < ends[record] && record == 3; i++) {
                if (i < start + RecordCodec.RECORD_HEADER_BYTES || i >= ends[record] - RecordCodec.CRC_BYTES
                        || (i - start) % 13 == 0) {
                    flips.add(i); // every framing byte of one record, and its payload in steps
                }
            }
            for (long i : flips) {
                byte[] damaged = full.clone();
                damaged[(int) i] ^= (byte) 0x5A;
                Files.write(cache().log(), damaged);
                deleteAsideFiles();
                warnings().clear();
                // Damaged samples take their features with them: those were computed from lost samples.
                Set<Integer> held = record % 2 == 1 ? allBut(record, record + 1) : allBut(record);
                try (SampleCache c = cache().open()) {
                    assertHolds(c, held, 0);
                }
                assertEquals(1, warnings().size(), "byte " + i);
                String warning = warnings().get(0);
                long length = ends[record] - ends[record - 1];
                assertTrue(warning.contains(length + " bytes at byte " + ends[record - 1])
                        && warning.contains("Every whole record before and after them was kept"), warning);
                // Damage in the last record cannot be told from a torn write: that one range leaves the log.
                assertEquals(record == 6 ? ends[5] : full.length, Files.size(cache().log()), "nothing else is cut off");
                List<Path> aside = asideFiles();
                assertEquals(1, aside.size());
                assertArrayEquals(Arrays.copyOfRange(damaged, (int) ends[record - 1], (int) ends[record]),
                        Files.readAllBytes(aside.get(0)));
                warnings().clear();
                try (SampleCache c = cache().open()) {
                    assertHolds(c, held, 0); // the damaged range is now a padding record, stepped over
                }
                assertEquals(List.of(), warnings(), "byte " + i + ": reopening again is clean");
            }
        }
    }

    @Test
    void aZeroFilledTailIsSetAside() throws Exception {
        long[] ends = cache().write();
        // What a power cut can leave: the file grew but its last blocks were never written.
        Files.write(cache().log(), new byte[5000], StandardOpenOption.APPEND);
        try (SampleCache c = cache().open()) {
            assertHoldsFirst(c, 6);
        }
        assertEquals(1, warnings().size());
        assertTrue(warnings().get(0).contains("5000 bytes at byte " + ends[6] + " (no record starts there, up to the end)"),
                warnings().get(0));
        assertEquals(ends[6], Files.size(cache().log()));
    }

    @Test
    void damageAfterOpeningIsCaughtOnReadAndCutsNothing() throws Exception {
        long[] ends = cache().write();
        try (SampleCache c = cache().open()) {
            try (FileChannel channel = FileChannel.open(cache().log(), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {0x7f}), (ends[2] + ends[3]) / 2);
            }
            assertTrue(c.samples("p1").isEmpty());
            assertEquals(1, warnings().size());
            assertTrue(warnings().get(0).contains("samples record of prompt \"p1\" at byte " + ends[2])
                    && warnings().get(0).contains("changed on disk"), warnings().get(0));
            assertHolds(c, allBut(3, 4), 0);
            Fixtures.put(c, "p1", K);
        }
        assertTrue(Files.size(cache().log()) > ends[6], "nothing was cut off");
        warnings().clear();
        try (SampleCache c = cache().open()) {
            assertHolds(c, allBut(4), 0); // p1's new samples; its old features belonged to the old ones
        }
        assertEquals(1, warnings().size(), "the next open sets the damaged record aside");
        assertEquals(1, asideFiles().size());
    }

    // ---- the header and the key file ----

    @Test
    void aDamagedHeaderIsReportedAsDamageAndRepairedWithEveryRecord() throws Exception {
        cache().write();
        byte[] good = Files.readAllBytes(cache().log());
        for (int at : new int[] {0, 5, 9, 10, 20, 43, 44, 47}) {
            byte[] damaged = good.clone();
            damaged[at] ^= (byte) 0xFF;
            Files.write(cache().log(), damaged);
            deleteAsideFiles();
            CacheDamagedException e = assertThrows(CacheDamagedException.class, () -> cache().open());
            assertTrue(e.getMessage().contains("header of records.log fails its check (checksum mismatch)")
                    && !e.getMessage().contains("version")
                    && e.getMessage().contains("qprobe cache verify " + cache().directory())
                    && e.getMessage().contains("qprobe cache repair " + cache().directory()), e.getMessage());
            assertArrayEquals(damaged, Files.readAllBytes(cache().log()), "byte " + at + ": nothing changed");

            CacheRepair.Report check = CacheRepair.verify(cache().directory());
            assertFalse(check.healthy());
            assertEquals(6, check.records(), check.text());
            CacheRepair.Report repaired = CacheRepair.repair(cache().directory());
            assertTrue(repaired.healthy(), repaired.text());
            assertArrayEquals(good, Files.readAllBytes(cache().log()), "byte " + at + ": repaired exactly");
            assertArrayEquals(Arrays.copyOf(damaged, RecordCodec.HEADER_BYTES), Files.readAllBytes(asideFiles().get(0)));
            try (SampleCache c = cache().open()) {
                assertHoldsFirst(c, 6);
            }
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void aDamagedKeyFileIsReportedAsDamageAndRepaired() throws Exception {
        cache().write();
        Path keyFile = cache().directory().resolve("key.json");
        String good = Files.readString(keyFile);
        for (String damaged : new String[] {good.replace("\"3\"", "\"4\""), good.replace("arith", "arkth"),
                good.substring(0, good.length() / 2), "\u0000\u0001"}) {
            Files.writeString(keyFile, damaged);
            byte[] logBytes = Files.readAllBytes(cache().log());
            CacheDamagedException e = assertThrows(CacheDamagedException.class, () -> cache().open());
            assertTrue(e.getMessage().contains("key.json fails its check") && e.getMessage().contains("qprobe cache repair"),
                    e.getMessage());
            assertEquals(damaged, Files.readString(keyFile));
            assertArrayEquals(logBytes, Files.readAllBytes(cache().log()));
            assertTrue(CacheRepair.verify(cache().directory()).keyFile().startsWith("DAMAGED"));
            CacheRepair.Report repaired = CacheRepair.repair(cache().directory());
            assertTrue(repaired.healthy(), repaired.text());
            assertTrue(asideFiles().stream().anyMatch(p -> p.getFileName().toString().startsWith("key.json.damaged-")));
            try (SampleCache c = cache().open()) {
                assertHoldsFirst(c, 6);
            }
            assertEquals(good, Files.readString(keyFile), "the next open writes it again");
            deleteAsideFiles();
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void aLogOfAnotherKeyANewerFormatOrNoCacheAtAllIsLeftAlone() throws Exception {
        cache().write();
        byte[] good = Files.readAllBytes(cache().log());

        CacheKey other = KEY.with("k", "4");
        SampleCache.open(root, other).close();
        Path otherLog = root.resolve(other.digest()).resolve(SampleCache.LOG_FILE);
        Files.write(otherLog, good);
        IOException e = assertThrows(IOException.class, () -> SampleCache.open(root, other));
        assertTrue(e.getMessage().contains("belongs to the cache key with digest " + KEY.digest()), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(otherLog));
        assertThrows(IOException.class, () -> CacheRepair.repair(otherLog.getParent()));
        assertArrayEquals(good, Files.readAllBytes(otherLog));

        byte[] newer = good.clone(); // version 3, with a checksum that holds
        ByteBuffer.wrap(newer).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 3)
                .putInt(RecordCodec.HEADER_V1_BYTES, RecordCodec.crc(newer, 0, RecordCodec.HEADER_V1_BYTES));
        Files.write(cache().log(), newer);
        e = assertThrows(IOException.class, () -> cache().open());
        assertTrue(e.getMessage().contains("format version 3, written by a newer qprobe"), e.getMessage());
        assertFalse(e instanceof CacheDamagedException);
        assertArrayEquals(newer, Files.readAllBytes(cache().log()));

        Files.writeString(cache().log(), "something else entirely, long enough to hold a header");
        e = assertThrows(IOException.class, () -> cache().open());
        assertTrue(e.getMessage().contains("is not a qprobe cache log"), e.getMessage());
        Files.writeString(cache().log(), "short");
        assertThrows(IOException.class, () -> cache().open());
        assertEquals("short", Files.readString(cache().log()));
        assertEquals(List.of(), warnings());
    }

    @Test
    void aLogWhoseCreationWasInterruptedIsStartedAgain() throws Exception {
        cache().write();
        byte[] good = Files.readAllBytes(cache().log());
        byte[] v1 = RecordCodec.headerV1(KEY.digest(), 1);
        for (byte[] start : new byte[][] {new byte[0], Arrays.copyOf(good, 1), Arrays.copyOf(good, 8),
                Arrays.copyOf(good, 20), Arrays.copyOf(good, RecordCodec.HEADER_BYTES - 1), Arrays.copyOf(v1, 20)}) {
            Files.write(cache().log(), start);
            try (SampleCache c = cache().open()) {
                assertHoldsFirst(c, 0);
                Fixtures.put(c, "p0", K);
            }
            try (SampleCache c = cache().open()) {
                assertHoldsFirst(c, 1);
            }
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void aFormatOneLogIsStillReadAndWrittenTo() throws Exception {
        // Format 1: a 44-byte header without checksum, features records of kind 2 (no samples offset).
        ByteBuffer features = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer samples = RecordCodec.samples("p0", Fixtures.completions("p0", K), Fixtures.rewards("p0", K));
        ByteBuffer bound = RecordCodec.features("p0", EMB, 0, Fixtures.features("p0", EMB, K, ThreePrompts.D));
        byte[] b = bound.array();
        int payload = b.length - RecordCodec.MIN_RECORD_BYTES - 8;
        features.putInt(RecordCodec.RECORD_MAGIC).put(RecordCodec.FEATURES_V1).putInt(payload);
        int idsEnd = RecordCodec.RECORD_HEADER_BYTES + 4 + 2 * 2 + 4 + 2 * EMB.length();
        features.put(b, RecordCodec.RECORD_HEADER_BYTES, idsEnd - RecordCodec.RECORD_HEADER_BYTES);
        features.put(b, idsEnd + 8, b.length - RecordCodec.CRC_BYTES - idsEnd - 8);
        features.putInt(RecordCodec.crc(features.array(), 0, features.position()));
        Files.createDirectories(cache().directory());
        try (var out = Files.newOutputStream(cache().log())) {
            out.write(RecordCodec.headerV1(KEY.digest(), 1));
            out.write(samples.array());
            out.write(features.array(), 0, features.position());
        }
        try (SampleCache c = cache().open()) {
            assertHoldsFirst(c, 2);
            Fixtures.put(c, "p1", K);
            c.putFeatures("p1", EMB, Fixtures.features("p1", EMB, K, ThreePrompts.D));
        }
        try (SampleCache c = cache().open()) {
            assertHoldsFirst(c, 4);
        }
        assertTrue(CacheRepair.verify(cache().directory()).header().contains("format 1"));
        assertEquals(List.of(), warnings());
    }

    @Test
    void aFormatOneHeaderWithAFlippedVersionIsDamageNotAVersion() throws Exception {
        Files.createDirectories(cache().directory());
        byte[] header = RecordCodec.headerV1(KEY.digest(), 1);
        header[9] = (byte) 0xFF; // the version read as 65281, as in the report that led here
        try (var out = Files.newOutputStream(cache().log())) {
            out.write(header);
            out.write(RecordCodec.samples("p0", Fixtures.completions("p0", K), Fixtures.rewards("p0", K)).array());
        }
        CacheDamagedException e = assertThrows(CacheDamagedException.class, () -> cache().open());
        assertFalse(e.getMessage().contains("65281"), e.getMessage());
        assertTrue(CacheRepair.repair(cache().directory()).healthy());
        try (SampleCache c = cache().open()) {
            assertHoldsFirst(c, 1);
        }
        assertInstanceOf(RecordCodec.Header.Valid.class,
                RecordCodec.classify(Arrays.copyOf(Files.readAllBytes(cache().log()), RecordCodec.HEADER_BYTES), KEY.digest()));
    }
}
