package dev.qprobe.task.code;

import static dev.qprobe.task.code.PythonSandboxTest.GOOD;
import static dev.qprobe.task.code.PythonSandboxTest.TESTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.task.code.PythonSandbox.Isolation;
import dev.qprobe.task.code.PythonSandbox.Job;
import dev.qprobe.task.code.PythonSandbox.Outcome;
import dev.qprobe.task.code.PythonSandbox.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the judge decides for ordinary jobs: type-strict equality, the forms a test may take, and
 * the failures of honest code. The jobs run once, in parallel, before the tests.
 */
class SandboxVerdictTest {
    private static final String ALWAYS_EQUAL = "class Anything:\n    def __eq__(self, other):\n        return True\n"
            + "def add(a, b):\n    return Anything()\n";
    private static final Map<String, Job> JOBS = new LinkedHashMap<>();
    private static Map<String, Result> results;

    private static void job(String name, String code, String... tests) {
        JOBS.put(name, new Job(code, "", tests.length == 0 ? TESTS : List.of(tests)));
    }

    @BeforeAll
    static void runEveryJob() {
        PythonSandbox sandbox = PythonSandboxTest.sandboxOrSkip(PythonSandbox.builder().parallelism(4));
        job("floatForInt", "def f():\n    return 3.0\n", "assert f() == 3");
        job("boolForInt", "def f():\n    return True\n", "assert f() == 1");
        job("listForTuple", "def f():\n    return [1, 2]\n", "assert f() == (1, 2)");
        job("nestedTupleForList", "def f():\n    return [1, (2,)]\n", "assert f() == [1, [2]]");
        job("namedTupleForTuple", "import collections\nP = collections.namedtuple('P', 'x y')\n"
                + "def f():\n    return P(1, 2)\n", "assert f() == (1, 2)");
        job("dictOfNumbers", "def f():\n    return {'a': 1.0, 'b': [1]}\n", "assert f() == {'a': 1, 'b': [1]}",
                "assert f() != {'a': 1, 'b': (1,)}");
        job("generatorThroughList", "def f():\n    return (i for i in range(3))\n", "assert list(f()) == [0, 1, 2]");
        job("generatorIsNoList", "def f():\n    return (i for i in range(3))\n", "assert f() == [0, 1, 2]");
        job("setOfResult", "def f():\n    return [2, 1, 2]\n", "assert set(f()) == {1, 2}");
        job("isclose", "def f():\n    return 0.1 + 0.2\n", "assert math.isclose(f(), 0.3)");
        job("comprehensionAlwaysEqual", ALWAYS_EQUAL, "assert all(add(i, 0) == i for i in range(3))");
        job("comprehensionCorrect", GOOD, "assert all(add(i, 0) == i for i in range(3))");
        job("statementThenAssert", GOOD, "x = add(2, 2)\nassert x == 4");
        job("shortCircuit", "def f(x):\n    return None\n", "assert f(1) is None or f(1).foo == 1");
        // Keeps the judge busy in Python code: its 1 s CPU budget for one report ends it.
        job("slowToJudge", "def f():\n    return 10**9\n", "assert max(range(f()), key=lambda t: -t) == 0");
        JOBS.put("setupCode", new Job("def first(xs):\n    return heapq.nsmallest(1, xs)[0]\n", "import heapq",
                List.of("assert first([3, 1, 2]) == 1")));
        job("wrongCode", "def add(a, b):\n    return a - b\n");
        job("missingFunction", "def plus(a, b):\n    return a + b\n");
        job("invalidTest", GOOD, "assert add(1, 2) ==");
        job("syntaxError", "def add(a, b)\n    return a + b\n");
        job("stdinIsEmpty", "name = input()\n" + GOOD);
        job("mainBlock", GOOD + "if __name__ == '__main__':\n    print(add(input(), 1))\n");
        job("endlessOutput", "while True:\n    print('y' * 1000)\n");
        job("chatty", "print('z' * 3_000_000)\n" + GOOD);
        job("scratchIsCwd", "import os\nprint('cwd=' + os.getcwd())\nopen('notes.txt', 'w').write('mine')\n"
                + "os.mkdir('sub')\nos.rename('notes.txt', 'sub/notes.txt')\n"
                + "assert open('sub/notes.txt').read() == 'mine'\n" + GOOD);
        List<Result> ran = sandbox.runAll(new ArrayList<>(JOBS.values()));
        results = new LinkedHashMap<>();
        int i = 0;
        for (String name : JOBS.keySet()) {
            results.put(name, ran.get(i++));
        }
    }

    private static Result outcome(String name, Outcome expected) {
        Result r = results.get(name);
        assertEquals(expected, r.outcome(), () -> name + ": " + r.detail() + "\n" + r.output());
        return r;
    }

    @Test
    void numbersCompareAsNumbers() {
        outcome("floatForInt", Outcome.PASSED);
        outcome("boolForInt", Outcome.PASSED);
        outcome("dictOfNumbers", Outcome.PASSED);
        outcome("isclose", Outcome.PASSED);
    }

    @Test
    void otherTypesMustMatchTheExpectedOnes() {
        outcome("listForTuple", Outcome.ASSERTION);
        outcome("nestedTupleForList", Outcome.ASSERTION);
        outcome("namedTupleForTuple", Outcome.ASSERTION);
        outcome("generatorIsNoList", Outcome.ASSERTION);
    }

    @Test
    void calledResultsCanBeConvertedInTheTest() {
        outcome("generatorThroughList", Outcome.PASSED);
        outcome("setOfResult", Outcome.PASSED);
    }

    @Test
    void assertsThatCannotBeSplitAreStillStrict() {
        outcome("comprehensionAlwaysEqual", Outcome.ASSERTION);
        outcome("comprehensionCorrect", Outcome.PASSED);
    }

    @Test
    void testStatementsSetupAndShortCircuitsWork() {
        outcome("statementThenAssert", Outcome.PASSED);
        outcome("shortCircuit", Outcome.PASSED);
        outcome("setupCode", Outcome.PASSED);
        outcome("mainBlock", Outcome.PASSED);
    }

    @Test
    void aReportThatKeepsTheJudgeBusyCostsOnlyItself() {
        Result slow = outcome("slowToJudge", Outcome.ERROR);
        assertEquals("judging took more than 1 s of CPU", slow.detail());
        // Judged in the same batch, the others have their verdicts (see the other tests). Also when
        // the judge is stuck in C code that no timer interrupts (sum over a range), until its CPU
        // limit ends it: the batch is judged again one by one.
        PythonSandbox sandbox = PythonSandboxTest.sandboxOrSkip(PythonSandbox.builder().parallelism(1));
        List<Result> r = sandbox.runAll(List.of(
                new Job("def f():\n    return 10**12\n", "", List.of("assert sum(range(f())) == 1")),
                new Job(GOOD, "", TESTS)));
        assertEquals(Outcome.ERROR, r.get(0).outcome(), r.get(0).detail());
        assertTrue(r.get(0).detail().startsWith("the judge failed: "), r.get(0).detail());
        assertEquals(Outcome.PASSED, r.get(1).outcome(), r.get(1).detail());
    }

    @Test
    void honestFailuresSayWhy() {
        assertEquals("test 1 failed: assert add(1, 2) == 3", outcome("wrongCode", Outcome.ASSERTION).detail());
        assertTrue(outcome("missingFunction", Outcome.ERROR).detail().contains("NameError"));
        assertTrue(outcome("invalidTest", Outcome.ERROR).detail().startsWith("test 1 is not valid Python"));
        assertTrue(outcome("syntaxError", Outcome.ERROR).detail().startsWith("syntax error in the completion"));
        assertTrue(outcome("stdinIsEmpty", Outcome.ERROR).detail().contains("EOFError"));
    }

    @Test
    void outputIsCutAndIsNoFailureInItself() {
        Result endless = outcome("endlessOutput", Outcome.TIMEOUT);
        assertTrue(endless.truncated());
        assertTrue(endless.output().length() <= 64 * 1024, "kept " + endless.output().length() + " chars");
        Result chatty = outcome("chatty", Outcome.PASSED);
        assertTrue(chatty.truncated());
        assertTrue(chatty.output().startsWith("zzz"));
    }

    @Test
    void theScratchDirectoryIsTheWorkingDirectoryAndIsDeleted() {
        Result r = outcome("scratchIsCwd", Outcome.PASSED);
        String cwd = r.output().lines().filter(l -> l.startsWith("cwd=")).findFirst().orElseThrow().substring(4);
        assertTrue(Path.of(cwd).getFileName().toString().startsWith("qprobe-sandbox-"), cwd);
        assertFalse(Files.exists(Path.of(cwd)), "scratch directory left behind: " + cwd);
    }

    @Test
    void runAllKeepsTheOrderOfItsJobs() {
        PythonSandbox parallel = PythonSandboxTest.sandboxOrSkip(PythonSandbox.builder().parallelism(4));
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int expected = i % 3 == 0 ? -1 : i;
            jobs.add(new Job("import time\ntime.sleep(" + (8 - i) * 0.02 + ")\ndef f():\n    return " + i + "\n",
                    "", List.of("assert f() == " + expected)));
        }
        List<Result> results = parallel.runAll(jobs);
        for (int i = 0; i < 8; i++) {
            assertEquals(i % 3 != 0, results.get(i).passed(), "job " + i + ": " + results.get(i).detail());
        }
        assertEquals(List.of(), parallel.runAll(List.of()));
    }

    @Test
    void unisolatedRunsOnlyByChoiceAndStillJudgesAndBlocks() throws IOException {
        PythonSandbox open = PythonSandbox.unisolated();
        assertEquals(Isolation.NONE, open.isolation());
        assertEquals(Outcome.PASSED, open.run(new Job(GOOD, "", TESTS)).outcome());
        assertEquals(Outcome.ASSERTION, open.run(new Job(ALWAYS_EQUAL, "", TESTS)).outcome());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result r = open.run(new Job("import socket\nsocket.create_connection(('127.0.0.1', "
                    + server.getLocalPort() + "))\n" + GOOD, "", TESTS));
            assertEquals(Outcome.BLOCKED, r.outcome(), r.detail());
            server.setSoTimeout(100);
            assertThrows(SocketTimeoutException.class, server::accept, "the job reached the test's server");
        }
    }
}
