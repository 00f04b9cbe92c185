package dev.qprobe.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class SampleSetTest {

    private static SampleSet threePrompts() {
        SampleSet.Builder b = SampleSet.builder(2);
        b.add("a", "2+2=", "4", 1, new float[] {1, 2});
        b.add("b", "3+3=", "7", 0, new float[] {3, 4});
        b.add("a", "2+2=", "5", 0, new float[] {5, 6});
        b.add("c", "1+1=", "2", 1, new float[] {7, 8});
        b.prefer(0, 2);
        return b.build();
    }

    @Test
    void groupsCandidatesByPromptInOrderOfFirstAppearance() {
        SampleSet s = threePrompts();
        assertEquals(List.of("a", "b", "c"), s.promptIds());
        assertArrayEquals(new int[] {0, 2}, s.rowsOfPrompt(0));
        assertEquals(0, s.promptIndexOf(2));
        assertEquals(0.5, s.meanReward());
        assertTrue(s.hasBinaryRewards());
        assertArrayEquals(new float[] {5, 6}, s.sample(2).features());
        assertEquals("5", s.sample(2).completion());
        assertEquals(6f, s.features().get(2, 1));
    }

    @Test
    void splitByPromptKeepsEveryPromptOnOneSideAndCarriesPairs() {
        SampleSet s = threePrompts();
        SampleSet.Split split = s.splitByPrompt(Set.of("a"));
        assertEquals(List.of("a"), split.test().promptIds());
        assertEquals(List.of("b", "c"), split.train().promptIds());
        assertEquals(List.of(new PreferencePair(0, 1)), split.test().pairs());
        assertTrue(split.train().pairs().isEmpty());
        assertArrayEquals(new float[] {5, 6}, split.test().features().row(1));

        SampleSet big = SyntheticSamples.generate(50, 4, 3, 0.1, 1);
        SampleSet.Split random = big.splitByPrompt(0.2, 9);
        assertEquals(10, random.test().promptCount());
        Set<String> seen = new HashSet<>(random.train().promptIds());
        random.test().promptIds().forEach(id -> assertTrue(seen.add(id), "prompt " + id + " on both sides"));
        assertEquals(random.test().promptIds(), big.splitByPrompt(0.2, 9).test().promptIds(), "seeded");
        assertEquals(7, big.samplePrompts(7, 3).promptCount());
    }

    @Test
    void tableViewListsTextsAndRewards() {
        Table t = threePrompts().table();
        assertEquals(List.of("row", "prompt_id", "prompt", "completion", "reward"), t.columnNames());
        assertEquals(4, t.rowCount());
        assertEquals("7", t.stringColumn("completion").get(1));
    }

    @Test
    void badInputIsRejectedWithWhatWasWrong() {
        var nan = assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.wrap(new float[] {1, 2, 3, Float.NaN}, 2, 2, "x.npy"));
        assertTrue(nan.getMessage().contains("x.npy") && nan.getMessage().contains("row 1, column 1"), nan.getMessage());
        var inf = assertThrows(IllegalArgumentException.class,
                () -> SampleSet.builder(2).add("a", 1, new float[] {Float.POSITIVE_INFINITY, 0}));
        assertTrue(inf.getMessage().contains("Infinity"), inf.getMessage());
        var dim = assertThrows(IllegalArgumentException.class,
                () -> SampleSet.builder(3).add("a", 1, new float[] {1, 2}));
        assertTrue(dim.getMessage().contains("has 2 features, expected 3"), dim.getMessage());
        var size = assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.checkShape(100_000_000, 4096, "huge.npy"));
        assertTrue(size.getMessage().contains("huge.npy") && size.getMessage().contains("exceeds"), size.getMessage());
        var rows = assertThrows(IllegalArgumentException.class, () -> SampleSet.of(new String[] {"a"}, null, null,
                new double[] {1, 0}, FeatureMatrix.wrap(new float[2], 1, 2, "f"), List.of(), "meta.csv"));
        assertTrue(rows.getMessage().contains("meta.csv") && rows.getMessage().contains("rewards has 2"), rows.getMessage());
        var reward = assertThrows(IllegalArgumentException.class, () -> SampleSet.of(new String[] {"a"}, null, null,
                new double[] {Double.NaN}, FeatureMatrix.wrap(new float[2], 1, 2, "f"), List.of(), "meta.csv"));
        assertTrue(reward.getMessage().contains("row 0"), reward.getMessage());
        var pair = assertThrows(IllegalArgumentException.class, () -> threePromptsWithPair(0, 1));
        assertTrue(pair.getMessage().contains("different prompts"), pair.getMessage());
        assertThrows(IllegalArgumentException.class, () -> threePrompts().splitByPrompt(Set.of("zzz")));
        assertThrows(IllegalArgumentException.class, () -> threePrompts().splitByPrompt(1.5, 0));
    }

    private static SampleSet threePromptsWithPair(int chosen, int rejected) {
        SampleSet.Builder b = SampleSet.builder(1);
        b.add("a", 1, new float[] {1});
        b.add("b", 0, new float[] {2});
        b.prefer(chosen, rejected);
        return b.build();
    }
}
