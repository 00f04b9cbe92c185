package dev.qprobe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.PreferencePair;
import dev.qprobe.data.SampleSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleSetIOTest {
    @TempDir
    Path dir;

    /** Two prompts, five candidates, dim 3, with two preference pairs. */
    private static SampleSet set(boolean withPairs) {
        SampleSet.Builder b = SampleSet.builder(3);
        b.add("p1", "Write f.", "def f():\n    return \"a,b\"", 1, new float[] {0.1f, -0f, 3e-39f});
        b.add("p1", "Write f.", "pass", 0, new float[] {1f, 2f, 3f});
        b.add("p2", "Sum, please", "x = 1 + 1  # 🎉", 0.5, new float[] {-1f, Float.MAX_VALUE, Float.MIN_VALUE});
        b.add("p2", "Sum, please", "", 0, new float[] {4f, 5f, 6f});
        b.add("p2", "Sum, please", "\"", 1, new float[] {7f, 8f, 9f});
        if (withPairs) {
            b.prefer(0, 1).prefer(4, 3);
        }
        return b.build();
    }

    private static void assertSameSet(SampleSet expected, SampleSet actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.dim(), actual.dim());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.promptId(i), actual.promptId(i));
            assertEquals(expected.prompt(i), actual.prompt(i));
            assertEquals(expected.completion(i), actual.completion(i));
            assertEquals(expected.reward(i), actual.reward(i));
        }
        float[] e = expected.features().array();
        float[] a = actual.features().array();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), "feature " + i);
        }
        assertEquals(expected.pairs(), actual.pairs());
        assertEquals(expected.promptIds(), actual.promptIds());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void savesAndLoadsCsvAndJsonLines() throws IOException {
        for (String ext : List.of("csv", "jsonl")) {
            SampleSet set = set(true);
            Path npy = dir.resolve("f-" + ext + ".npy");
            Path meta = dir.resolve("meta." + ext);
            Path pairs = dir.resolve("pairs." + ext);
            SampleSetIO.save(set, npy, meta, pairs);
            assertSameSet(set, SampleSetIO.load(npy, meta, pairs));
            assertEquals(set.pairs(), SampleSetIO.loadPairs(pairs));

            SampleSet noPairs = set(false);
            SampleSetIO.save(noPairs, npy, meta);
            assertSameSet(noPairs, SampleSetIO.load(npy, meta));
        }
        assertEquals("chosen,rejected\n0,1\n4,3\n", Files.readString(dir.resolve("pairs.csv")));
        assertEquals("{\"chosen\":0,\"rejected\":1}\n{\"chosen\":4,\"rejected\":3}\n",
                Files.readString(dir.resolve("pairs.jsonl")));
        assertEquals(6, listing().size(), "no temporary files left: " + listing());
    }

    @Test
    void loadsFilesWrittenByHand() throws IOException {
        Path npy = dir.resolve("f.npy");
        Npy.write(npy, FeatureMatrix.wrap(new float[] {1, 2, 3, 4}, 4, 1, "test"));
        Path meta = write("m.jsonl", "{\"prompt_id\": 1, \"reward\": 1}\n{\"prompt_id\": 1, \"reward\": 0}\n"
                + "{\"prompt_id\": 2, \"reward\": 1}\n{\"prompt_id\": 2, \"reward\": 0}\n");
        Path pairs = write("p.csv", "chosen,rejected\n0,1\n2,3\n");
        SampleSet set = SampleSetIO.load(npy, meta, pairs);
        assertEquals(List.of("1", "2"), set.promptIds());
        assertEquals(List.of(new PreferencePair(0, 1), new PreferencePair(2, 3)), set.pairs());
        assertArrayEquals(new float[] {3}, set.features().row(2));
        assertEquals(2.0, set.rewards()[0] + set.rewards()[2]);
    }

    @Test
    void rejectsRowCountMismatchNamingBothFilesAndCounts() throws IOException {
        Path npy = dir.resolve("features.npy");
        Npy.write(npy, FeatureMatrix.wrap(new float[] {1, 2, 3}, 3, 1, "test"));
        Path meta = write("meta.csv", "prompt_id,reward\na,1\na,0\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> SampleSetIO.load(npy, meta));
        assertContains(e.getMessage(), npy.toString(), "3 feature rows", meta.toString(), "2 metadata rows");
    }

    @Test
    void rejectsBadPairsNamingFileAndLine() throws IOException {
        Path npy = dir.resolve("f.npy");
        Path meta = dir.resolve("m.csv");
        SampleSetIO.save(set(false), npy, meta);

        Path outOfRange = write("a.csv", "chosen,rejected\n0,1\n0,5\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> SampleSetIO.load(npy, meta, outOfRange));
        assertContains(e.getMessage(), outOfRange + ": line 3 (row 1)", "row 5 does not exist", "5 samples");

        Path crossPrompt = write("b.jsonl", "{\"chosen\": 0, \"rejected\": 2}\n");
        e = assertThrows(DataFormatException.class, () -> SampleSetIO.load(npy, meta, crossPrompt));
        assertContains(e.getMessage(), crossPrompt + ": line 1 (row 0)", "rows 0 and 2 belong to different prompts",
                "'p1' and 'p2'");

        for (String[] bad : new String[][] {
                {"c.csv", "chosen,rejected\n1,x\n", "rejected 'x' is not a non-negative integer"},
                {"d.csv", "chosen,rejected\n-1,2\n", "chosen '-1' is not a non-negative integer"},
                {"e.csv", "chosen,rejected\n2,2\n", "chosen and rejected are the same row 2"},
                {"f.csv", "chosen\n1\n", "missing column 'rejected'"},
                {"g.jsonl", "{\"chosen\": 1.5, \"rejected\": 2}\n", "chosen 1.5 is not a non-negative integer"},
                {"h.jsonl", "{\"chosen\": 1}\n", "missing field 'rejected'"},
                {"i.txt", "chosen,rejected\n", "unknown file type"}}) {
            Path f = write(bad[0], bad[1]);
            e = assertThrows(DataFormatException.class, () -> SampleSetIO.loadPairs(f));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
            assertContains(e.getMessage(), bad[2]);
        }
    }

    @Test
    void refusesToDropPairsSilently() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleSetIO.save(set(true), dir.resolve("f.npy"), dir.resolve("m.csv")));
        assertContains(e.getMessage(), "2 preference pairs", "pass a pairs file");
    }

    @Test
    void savePairsWritesAnyList() throws IOException {
        Path f = dir.resolve("p.jsonl");
        List<PreferencePair> pairs = List.of(new PreferencePair(3, 1), new PreferencePair(0, 2));
        SampleSetIO.savePairs(pairs, f);
        assertEquals(pairs, SampleSetIO.loadPairs(f));
    }

    @Test
    void failedSaveLeavesOldFilesIntactAndNoTemporaryFiles() throws IOException {
        Path npy = dir.resolve("f.npy");
        Path meta = dir.resolve("m.csv");
        SampleSetIO.save(set(false), npy, meta);
        byte[] oldNpy = Files.readAllBytes(npy);
        byte[] oldMeta = Files.readAllBytes(meta);
        List<Path> before = listing();

        // The pairs file cannot be created: nothing may be replaced.
        Path badPairs = dir.resolve("missing-dir").resolve("p.csv");
        assertThrows(IOException.class, () -> SampleSetIO.save(set(true), npy, meta, badPairs));
        // An unknown metadata extension is caught before anything is written.
        assertThrows(DataFormatException.class, () -> SampleSetIO.save(set(false), npy, dir.resolve("m.xlsx")));
        // The same path twice would make one file overwrite the other.
        assertThrows(IllegalArgumentException.class, () -> SampleSetIO.save(set(false), npy, npy));

        assertArrayEquals(oldNpy, Files.readAllBytes(npy));
        assertArrayEquals(oldMeta, Files.readAllBytes(meta));
        assertEquals(before, listing());
    }

    @Test
    void uncommittedPendingFileIsDeletedAndTargetUntouched() throws IOException {
        Path target = write("t.csv", "old");
        Path temp;
        try (PendingFile pending = PendingFile.create(target)) {
            temp = pending.path();
            Files.writeString(temp, "half-writ");
            assertEquals(dir, temp.getParent());
        }
        assertTrue(Files.notExists(temp));
        assertEquals("old", Files.readString(target));
    }
}
