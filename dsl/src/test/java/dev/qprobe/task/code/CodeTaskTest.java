package dev.qprobe.task.code;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.task.Prompt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CodeTaskTest {
    private static List<CodeProblem> problems;
    private static PythonSandbox sandbox;

    @BeforeAll
    static void load() throws IOException {
        problems = MbppLoader.load(MbppLoaderTest.problemsFile());
        sandbox = MbppLoaderTest.sandboxOrSkip();
    }

    @Test
    void promptIsTheTextThenTheTests() {
        assertEquals("Write a function to return the n-th Fibonacci number, with fib(0) = 0 and fib(1) = 1.\n"
                + "Your solution is run against these tests:\n"
                + "assert fib(0) == 0\nassert fib(10) == 55\nassert fib(20) == 6765\n",
                CodeTask.promptText(problems.get(3)));
        CodeTask task = CodeTask.of("mine", problems, sandbox);
        for (Prompt p : task.testPrompts()) {
            assertEquals(CodeTask.promptText(task.problem(p)), p.text());
        }
    }

    @Test
    void seededSplitIsStableAndCoversEveryProblemOnce() {
        CodeTask task = CodeTask.of("mine", problems, sandbox);
        assertEquals("mine(train=4,test=1,seed=1)", task.name());
        Set<String> ids = new HashSet<>();
        task.trainPrompts().forEach(p -> assertTrue(ids.add(p.id())));
        task.testPrompts().forEach(p -> assertTrue(ids.add(p.id())));
        assertEquals(Set.of("1", "2", "3", "4", "5"), ids);
        // File order does not matter, the seed does.
        List<CodeProblem> reversed = new ArrayList<>(problems);
        Collections.reverse(reversed);
        assertEquals(task.testPrompts(), CodeTask.of("mine", reversed, sandbox).testPrompts());
        List<List<Prompt>> tests = new ArrayList<>();
        for (long seed = 0; seed < 5; seed++) {
            tests.add(CodeTask.seededSplit("mine", problems, 0.4, seed, sandbox).testPrompts());
        }
        assertEquals(2, tests.get(0).size());
        assertNotEquals(1, new HashSet<>(tests).size(), "five seeds gave one split");
    }

    @Test
    void splitByIds() {
        CodeTask task = CodeTask.byIds("mbpp", problems, List.of("3", "1"), List.of("5"), sandbox);
        assertEquals("mbpp(train=2,test=1)", task.name());
        assertEquals(List.of("3", "1"), task.trainPrompts().stream().map(Prompt::id).toList());
        assertEquals(List.of("5"), task.testPrompts().stream().map(Prompt::id).toList());
        assertThrows(IllegalArgumentException.class, () -> task.problem(new Prompt("2", "x")));
    }

    @Test
    void badSplitsAreRefused() {
        assertMessage("code task t: problem 1 is in both the train and the test ids",
                () -> CodeTask.byIds("t", problems, List.of("1", "2"), List.of("1"), sandbox));
        assertMessage("code task t: test id 99 names no problem",
                () -> CodeTask.byIds("t", problems, List.of("1"), List.of("99"), sandbox));
        assertMessage("code task t needs at least one test problem",
                () -> CodeTask.byIds("t", problems, List.of("1"), List.of(), sandbox));
        assertMessage("code task t: problem id 1 appears twice",
                () -> CodeTask.of("t", List.of(problems.get(0), problems.get(0)), sandbox));
        assertMessage("code task t needs at least two problems to split, got 1",
                () -> CodeTask.of("t", List.of(problems.get(0)), sandbox));
        assertMessage("the test fraction must be in (0, 1), got 1.0",
                () -> CodeTask.seededSplit("t", problems, 1.0, 1, sandbox));
        assertMessage("a code task needs a non-blank name", () -> CodeTask.of(" ", problems, sandbox));
    }

    @Test
    void rewardIsOneExactlyWhenTheTestsPass() {
        CodeTask task = CodeTask.byIds("t", problems, List.of("1", "2", "3"), List.of("4", "5"), sandbox);
        Prompt fib = task.testPrompts().get(0);
        String right = problems.get(3).reference();
        assertEquals(1.0, task.reward(fib, right));
        assertEquals(0.0, task.reward(fib, "def fib(n):\n    return n\n"));
        double[] rewards = task.rewards(fib, List.of(
                right,
                "def fib(n):\n    return n\n",
                "Here it is:\n```python\n" + right + "\n```\nIt loops n times.",
                "while True:\n    pass\n",
                "import sys\nsys.exit(0)\n" + right,
                "```\n" + right + "\n```"));
        assertArrayEquals(new double[] {1, 0, 1, 0, 0, 1}, rewards);
        // The setup code (import heapq) runs before the tests.
        Prompt merge = task.testPrompts().get(1);
        assertEquals(1.0, task.reward(merge, problems.get(4).reference()));
    }

    @Test
    void fencesAreStripped() {
        String code = "def f():\n    return 1\n";
        assertEquals(code, CodeTask.stripFences(code));
        assertEquals(code, CodeTask.stripFences("```python\n" + code + "```\n"));
        assertEquals(code, CodeTask.stripFences("Sure:\n\n```py\n" + code + "```\nThen call f()."));
        assertEquals(code, CodeTask.stripFences("```\n" + code + "```"));
        assertEquals(code, CodeTask.stripFences("```python\n" + code + "```\nExample:\n```python\nprint(f())\n```\n"));
        // Only a closing fence: the prompt opened the block.
        assertEquals(code, CodeTask.stripFences(code + "```\nMore text."));
        // Only an opening fence: the block was never closed.
        assertEquals(code, CodeTask.stripFences("```python\n" + code));
        assertEquals("", CodeTask.stripFences("```python\n```"));
        assertEquals("x = '``` not a fence'\n", CodeTask.stripFences("x = '``` not a fence'\n"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
