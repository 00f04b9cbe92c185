package dev.qprobe.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.task.ArithmeticTask.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreferenceTaskTest {
    private static final ArithmeticTask BASE = ArithmeticTask.create(20, 10, 1);
    private static final Prompt P = new Prompt("add-347-586", "347+586=");

    /** Reward = the completion parsed as a number: lets a test set any reward gap it likes. */
    private static PreferenceTask numeric(double temperature) {
        return PreferenceTask.of(BASE, (prompt, completion) -> Double.parseDouble(completion), temperature);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void preferenceRateFollowsBradleyTerry() {
        PreferenceTask task = numeric(0.1);
        SplittableRandom rng = new SplittableRandom(5);
        int n = 20_000;
        int preferred = 0;
        for (int i = 0; i < n; i++) {
            preferred += task.prefer(P, "0.1", "0", rng) ? 1 : 0;
        }
        assertEquals(sigmoid(1), preferred / (double) n, 0.02);
        assertEquals(0.7310585786300049, task.preferenceProbability(P, "0.1", "0"), 1e-12);
        assertEquals(1 - 0.7310585786300049, task.preferenceProbability(P, "0", "0.1"), 1e-12);
        assertEquals(sigmoid(1), numeric(1).preferenceProbability(P, "1", "0"), 1e-15);
        // Huge gaps saturate without NaN.
        assertEquals(1.0, task.preferenceProbability(P, "1e300", "-1e300"));
        assertEquals(0.0, task.preferenceProbability(P, "-1e300", "1e300"));
    }

    @Test
    void tiesAreACoinFlip() {
        PreferenceTask task = numeric(0.1);
        assertEquals(0.5, task.preferenceProbability(P, "0.3", "0.30"));
        SplittableRandom rng = new SplittableRandom(8);
        int n = 20_000;
        int first = 0;
        for (int i = 0; i < n; i++) {
            first += task.prefer(P, "2", "2", rng) ? 1 : 0;
        }
        assertEquals(0.5, first / (double) n, 0.02);
    }

    @Test
    void arithmeticGraderAddsABonusForShownWork() {
        PreferenceTask task = PreferenceTask.arithmetic();
        String carefulRight = ArithmeticTask.completion(347, 586, Strategy.CAREFUL);
        assertEquals(1.1, task.reward(P, carefulRight), 1e-12);
        assertEquals(1.0, task.reward(P, "Q 933"));
        assertEquals(0.0, task.reward(P, "G 940"));
        assertEquals(0.1, task.reward(P, "C 7+6=13 4+8=12 3+5+1=9 =923"), 1e-12);
        // The letter alone is not shown work.
        assertEquals(1.0, task.reward(P, "C 933"));
        assertEquals(sigmoid(1), task.preferenceProbability(P, carefulRight, "Q 933"), 1e-9);
        assertEquals(sigmoid(10), task.preferenceProbability(P, "Q 933", "G 940"), 1e-9);
        assertEquals("preference(arithmetic(train=400,test=100,seed=1),hidden=checker+0.1*work,temperature=0.1)",
                task.name());
        assertEquals(ArithmeticTask.standard().trainPrompts(), task.trainPrompts());
        assertEquals(ArithmeticTask.standard().testPrompts(), task.testPrompts());
        assertEquals(0.1, task.temperature());
        assertEquals("preference(arithmetic(train=20,test=10,seed=1),temperature=0.5)", numeric(0.5).name());
    }

    @Test
    void pairsAreDistinctUnorderedPairsOfDistinctIndices() {
        PreferenceTask task = PreferenceTask.arithmetic();
        List<String> completions = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            completions.add(i % 3 == 0 ? "Q 933" : "Q " + (900 + i));
        }
        List<int[]> pairs = task.pairs(P, completions, 300, 11);
        assertEquals(300, pairs.size());
        Set<Long> seen = new HashSet<>();
        for (int[] pair : pairs) {
            assertEquals(2, pair.length);
            assertTrue(pair[0] >= 0 && pair[0] < 48 && pair[1] >= 0 && pair[1] < 48);
            assertNotEquals(pair[0], pair[1]);
            long key = Math.min(pair[0], pair[1]) * 1000L + Math.max(pair[0], pair[1]);
            assertTrue(seen.add(key), "pair repeated: " + pair[0] + "," + pair[1]);
        }
        // All 1128 pairs of 48, exactly once each.
        assertEquals(48 * 47 / 2, Set.copyOf(
                task.pairs(P, completions, 48 * 47 / 2, 3).stream()
                        .map(p -> Math.min(p[0], p[1]) * 1000 + Math.max(p[0], p[1])).toList()).size());
        assertEquals(List.of(), task.pairs(P, completions, 0, 1));
        assertEquals(List.of(), task.pairs(P, List.of("Q 933"), 0, 1));
    }

    @Test
    void pairsRepeatOnlyAfterEveryPairIsUsed() {
        List<String> completions = List.of("0", "1", "2", "3");
        List<int[]> pairs = numeric(1).pairs(P, completions, 14, 2);
        assertEquals(14, pairs.size());
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            int[] p = pairs.get(i);
            int key = Math.min(p[0], p[1]) * 10 + Math.max(p[0], p[1]);
            counts.merge(key, 1, Integer::sum);
            if (i == 5 || i == 11) {
                // End of a round of all six pairs: each used equally often.
                int rounds = (i + 1) / 6;
                assertTrue(counts.values().stream().allMatch(c -> c == rounds), counts.toString());
                assertEquals(6, counts.size());
            }
        }
    }

    @Test
    void pairsAreOrientedByThePreference() {
        // A near-deterministic rater: the higher reward is chosen.
        PreferenceTask sharp = numeric(1e-3);
        List<String> completions = List.of("0", "5", "1", "3", "2", "4");
        for (int[] p : sharp.pairs(P, completions, 15, 4)) {
            assertTrue(Double.parseDouble(completions.get(p[0])) > Double.parseDouble(completions.get(p[1])),
                    p[0] + " over " + p[1]);
        }
        // A soft rater over two completions: the chosen share matches sigmoid(gap / temperature).
        PreferenceTask soft = numeric(0.1);
        int firstChosen = 0;
        int draws = 0;
        for (long seed = 0; seed < 2_000; seed++) {
            for (int[] p : soft.pairs(P, List.of("0.1", "0"), 10, seed)) {
                firstChosen += p[0] == 0 ? 1 : 0;
                draws++;
            }
        }
        assertEquals(sigmoid(1), firstChosen / (double) draws, 0.02);
    }

    @Test
    void pairsAreDeterminedBySeedAndPrompt() {
        PreferenceTask task = numeric(0.5);
        List<String> completions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            completions.add(Integer.toString(i % 4));
        }
        List<int[]> a = task.pairs(P, completions, 50, 7);
        List<int[]> b = task.pairs(P, completions, 50, 7);
        assertEquals(flat(a), flat(b));
        assertNotEquals(flat(a), flat(task.pairs(P, completions, 50, 8)));
        assertNotEquals(flat(a), flat(task.pairs(new Prompt("other", P.text()), completions, 50, 7)));
    }

    private static List<Integer> flat(List<int[]> pairs) {
        List<Integer> out = new ArrayList<>();
        for (int[] p : pairs) {
            out.add(p[0]);
            out.add(p[1]);
        }
        return out;
    }

    @Test
    void errorsSayWhatIsWrong() {
        for (double t : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> numeric(t));
            assertTrue(e.getMessage().contains("temperature must be finite and > 0, got " + t), e.getMessage());
        }
        PreferenceTask task = numeric(0.1);
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> task.pairs(P, List.of("0", "1"), -1, 0));
        assertTrue(negative.getMessage().contains("pairs per prompt must be >= 0, got -1"), negative.getMessage());
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> task.pairs(P, List.of("0"), 1, 0));
        assertTrue(single.getMessage().contains("prompt add-347-586 has 1 completion(s); pairs need at least two"),
                single.getMessage());
        IllegalStateException nan = assertThrows(IllegalStateException.class,
                () -> task.prefer(P, "NaN", "0", new SplittableRandom(0)));
        assertTrue(nan.getMessage().contains("reward NaN for prompt add-347-586 and completion \"NaN\""),
                nan.getMessage());
        IllegalStateException inf = assertThrows(IllegalStateException.class,
                () -> task.pairs(P, List.of("0", "Infinity"), 1, 0));
        assertTrue(inf.getMessage().contains("reward Infinity for prompt add-347-586 and completion \"Infinity\""),
                inf.getMessage());
        assertThrows(NullPointerException.class, () -> PreferenceTask.of(null, (p, c) -> 0, 0.1));
        assertThrows(NullPointerException.class, () -> PreferenceTask.of(BASE, null, 0.1));
    }
}
