package dev.qprobe.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TasksTest {
    private static final Prompt A = new Prompt("a", "Say hi:");
    private static final Prompt B = new Prompt("b", "Say bye:");
    private static final Prompt C = new Prompt("c", "Say hello:");
    private static final RewardFunction LENGTH = (prompt, completion) -> completion.length();

    @Test
    void builtInTasks() {
        assertEquals("arithmetic(train=400,test=100,seed=1)", Tasks.arithmetic().name());
        assertEquals(PreferenceTask.arithmetic().name(), Tasks.arithmeticPreference().name());
        PreferenceTask p = Tasks.preference(Tasks.arithmetic(), (prompt, c) -> 0.5, 0.2);
        assertEquals("preference(arithmetic(train=400,test=100,seed=1),temperature=0.2)", p.name());
        assertEquals(0.5, p.reward(A, "anything"));
    }

    @Test
    void userTaskKeepsItsPromptsAndReward() {
        List<Prompt> train = new ArrayList<>(List.of(A, B));
        Task task = Tasks.of("greetings", train, List.of(C), LENGTH);
        train.clear();
        assertEquals("greetings", task.name());
        assertEquals(List.of(A, B), task.trainPrompts());
        assertEquals(List.of(C), task.testPrompts());
        assertEquals(2.0, task.reward(A, "hi"));
        // Prompt text may repeat under different ids; only ids must be unique.
        Tasks.of("same text", List.of(A), List.of(new Prompt("a2", A.text())), LENGTH);
    }

    @Test
    void userTaskValidatesItsPrompts() {
        assertMessage(() -> Tasks.of(" ", List.of(A), List.of(B), LENGTH), "a task needs a non-blank name");
        assertMessage(() -> Tasks.of(null, List.of(A), List.of(B), LENGTH), "a task needs a non-blank name");
        assertMessage(() -> Tasks.of("t", List.of(), List.of(B), LENGTH), "task t needs at least one train prompt");
        assertMessage(() -> Tasks.of("t", null, List.of(B), LENGTH), "task t needs at least one train prompt");
        assertMessage(() -> Tasks.of("t", List.of(A), List.of(), LENGTH), "task t needs at least one test prompt");
        assertMessage(() -> Tasks.of("t", List.of(A, new Prompt("a", "again")), List.of(B), LENGTH),
                "task t: prompt id a appears more than once in the train prompts");
        assertMessage(() -> Tasks.of("t", List.of(A), List.of(B, C, B), LENGTH),
                "task t: prompt id b appears more than once in the test prompts");
        assertMessage(() -> Tasks.of("t", List.of(A, B), List.of(C, new Prompt("b", "other text")), LENGTH),
                "task t: prompt id b is in both the train and the test prompts");
        assertMessage(() -> Tasks.of("t", Arrays.asList(A, null), List.of(B), LENGTH),
                "task t: a train prompt is null");
        assertThrows(NullPointerException.class, () -> Tasks.of("t", List.of(A), List.of(B), null));
    }

    @Test
    void nonFiniteRewardsAreCaughtAtUse() {
        Task task = Tasks.of("t", List.of(A), List.of(B),
                (prompt, completion) -> completion.isEmpty() ? Double.NaN : Double.parseDouble(completion));
        assertEquals(2.5, task.reward(A, "2.5"));
        assertState(() -> task.reward(A, ""), "reward NaN for prompt a and completion \"\"");
        assertState(() -> task.reward(B, "-Infinity"), "reward -Infinity for prompt b and completion \"-Infinity\"");
        // A long completion is quoted only in part.
        String longOne = "Infinity" + " ".repeat(300);
        Task spaces = Tasks.of("t", List.of(A), List.of(B), (prompt, completion) -> Double.POSITIVE_INFINITY);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> spaces.reward(A, longOne));
        assertTrue(e.getMessage().contains("... (308 chars)"), e.getMessage());
    }

    private static void assertMessage(Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void assertState(Executable call, String part) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
