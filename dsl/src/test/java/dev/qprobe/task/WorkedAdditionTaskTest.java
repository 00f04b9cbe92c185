package dev.qprobe.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkedAdditionTaskTest {
    private static final WorkedAdditionTask TASK = WorkedAdditionTask.full();

    @Test
    void workedCompletionsAddColumnByColumnWithCarries() {
        assertEquals("8+6=14 3+8+1=12 7+5+1=13 4+0+1=5 =5324", WorkedAdditionTask.worked(4738, 586));
        assertEquals("2+3=5 1+4=5 0+0=0 0+0=0 =55", WorkedAdditionTask.worked(12, 43));
        assertEquals("9+1=10 9+0+1=10 0+0+1=1 0+0=0 =100", WorkedAdditionTask.worked(99, 1));
        assertEquals("9+9=18 9+9+1=19 9+9+1=19 9+9+1=19 =19998", WorkedAdditionTask.worked(9999, 9999));
        assertEquals(3, WorkedAdditionTask.carries(4738, 586));
        assertEquals(0, WorkedAdditionTask.carries(12, 43));
        assertEquals(2, WorkedAdditionTask.carries(99, 1));
        for (int[] p : new int[][] {{4738, 586}, {12, 43}, {99, 1}, {9999, 9999}, {10, 90}}) {
            String c = WorkedAdditionTask.worked(p[0], p[1]);
            assertTrue(WorkedAdditionTask.isWorked(c), c);
            assertEquals(1.0, TASK.reward(new Prompt("t", WorkedAdditionTask.promptText(p[0], p[1])), c), c);
        }
    }

    @Test
    void aDroppedCarryOrASlipMakesTheAnswerFollowTheColumnsAsWritten() {
        boolean[] drop = new boolean[6];
        drop[1] = true;
        // 4738 + 586: column 1 forgets its carry (3+8=11), so column 2 gets one from 11, and so on.
        String forgot = WorkedAdditionTask.worked(4738, 586, drop, new int[6]);
        assertEquals("8+6=14 3+8=11 7+5+1=13 4+0+1=5 =5314", forgot);
        assertEquals(0.0, TASK.reward(new Prompt("t", "4738+0586="), forgot));
        assertTrue(WorkedAdditionTask.isWorked(forgot));
        int[] slip = new int[6];
        slip[0] = -1;
        assertEquals("2+3=4 1+4=5 0+0=0 0+0=0 =54", WorkedAdditionTask.worked(12, 43, new boolean[6], slip));
        slip[0] = 1;
        // 9+9+1 = 19 cannot slip up to 20 (a carry of 2): it slips down instead.
        assertEquals("9+9=18 9+9+1=18 0+0+1=1 0+0=0 =188",
                WorkedAdditionTask.worked(99, 99, new boolean[6], new int[] {0, 1, 0, 0, 0, 0}));
    }

    @Test
    void promptsAreGradedByCarriesAndDisjointAndStable() {
        int[] byCarries = new int[WorkedAdditionTask.MAX_CARRIES + 1];
        Set<String> texts = new HashSet<>();
        for (Prompt p : TASK.testPrompts()) {
            String[] ab = p.text().substring(0, p.text().length() - 1).split("\\+");
            int a = Integer.parseInt(ab[0]);
            int b = Integer.parseInt(ab[1]);
            assertTrue(a >= 10 && a <= 9999 && b >= 10 && b <= 9999, p.text());
            assertEquals(WorkedAdditionTask.promptText(a, b), p.text(), "operands written with 4 digits");
            byCarries[WorkedAdditionTask.carries(a, b)]++;
            texts.add(WorkedAdditionTask.promptText(b, a));
            texts.add(p.text());
        }
        for (int c = 0; c < byCarries.length; c++) {
            assertTrue(byCarries[c] >= 8, "carries " + c + ": " + byCarries[c] + " of 100 test prompts");
        }
        for (Prompt p : TASK.trainPrompts()) {
            assertFalse(texts.contains(p.text()), p.text() + " is in both sets");
        }
        assertEquals(400, TASK.trainPrompts().size());
        assertEquals(TASK.testPrompts(), WorkedAdditionTask.create(25, 100, 1).testPrompts(), "test set does not move with train size");
        assertEquals("worked-addition(train=400,test=100,seed=1)", TASK.name());
        WorkedAdditionTask standard = Tasks.workedAddition();
        assertEquals("worked-addition(train=100,test=100,seed=1)", standard.name());
        assertEquals(TASK.testPrompts(), standard.testPrompts());
        assertEquals(TASK.trainPrompts().subList(0, 100), standard.trainPrompts(), "the full task's first 100");
    }

    @Test
    void corpusAvoidsEvaluationAndExcludedPromptsAndFollowsTheTeacher() {
        Set<String> prompts = new HashSet<>();
        TASK.trainPrompts().forEach(p -> prompts.add(p.text()));
        TASK.testPrompts().forEach(p -> prompts.add(p.text()));
        Set<String> excluded = Set.of("12+43=", "0099+0001=");
        List<String> corpus = TASK.corpus(4_000, 3, excluded);
        int right = 0;
        for (String line : corpus) {
            assertTrue(line.endsWith("\n"), line);
            int eq = line.indexOf('=');
            String prompt = line.substring(0, eq + 1);
            assertFalse(prompts.contains(prompt) || excluded.contains(prompt) || prompt.equals("0012+0043="), prompt);
            String completion = line.substring(eq + 1, line.length() - 1);
            assertTrue(WorkedAdditionTask.isWorked(completion), completion);
            right += (int) TASK.reward(new Prompt("c", prompt), completion);
        }
        // Carries 0..4 uniformly, each kept with probability 0.35, 4 columns slipping 2% each:
        // mean over c of 0.35^c = 0.306, times 0.98^4 = 0.92, plus slips that cancel: about 0.28.
        assertEquals(0.28, right / 4000.0, 0.03);
        assertEquals(corpus, TASK.corpus(4_000, 3, excluded), "seeded");
        assertThrows(IllegalArgumentException.class, () -> TASK.corpus(-1, 3, Set.of()));
    }

    @Test
    void badInputGetsClearErrors() {
        var sizes = assertThrows(IllegalArgumentException.class, () -> WorkedAdditionTask.create(0, 5, 1));
        assertTrue(sizes.getMessage().contains("train=0"), sizes.getMessage());
        var prompt = assertThrows(IllegalArgumentException.class, () -> TASK.reward(new Prompt("x", "hello"), "=5"));
        assertTrue(prompt.getMessage().contains("not an addition"), prompt.getMessage());
        assertEquals(0.0, TASK.reward(new Prompt("t", "0012+0043="), null));
        assertFalse(WorkedAdditionTask.isWorked("C 2+3=5 =5"));
        assertThrows(IllegalArgumentException.class, () -> WorkedAdditionTask.worked(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> WorkedAdditionTask.worked(10_000, 3));
    }
}
