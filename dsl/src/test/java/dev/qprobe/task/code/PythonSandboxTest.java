package dev.qprobe.task.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PythonSandboxTest {
    private static final List<String> TESTS = List.of("assert add(1, 2) == 3", "assert add(-1, 1) == 0");
    private static final String GOOD = "def add(a, b):\n    return a + b\n";
    private static final Job GOOD_JOB = new Job(GOOD, "", TESTS);

    private static PythonSandbox sandbox;

    @BeforeAll
    static void pythonIsThere() {
        try {
            sandbox = PythonSandbox.builder().timeout(Duration.ofSeconds(2)).build();
        } catch (IllegalStateException e) {
            assumeTrue(false, "no usable python3 here: " + e.getMessage());
        }
    }

    /** Runs {@code code} then a good job: the first must end as {@code expected}, the second pass. */
    private static Result failsThenNextPasses(String code, Outcome expected) {
        return failsThenNextPasses(sandbox, code, expected);
    }

    private static Result failsThenNextPasses(PythonSandbox box, String code, Outcome expected) {
        Result bad = box.run(new Job(code, "", TESTS));
        assertEquals(expected, bad.outcome(), () -> "detail: " + bad.detail() + "\noutput: " + bad.output());
        assertFalse(bad.passed());
        Result next = box.run(GOOD_JOB);
        assertTrue(next.passed(), () -> "the job after failed: " + next.detail() + "\n" + next.output());
        return bad;
    }

    @Test
    void rightCodePassesAndWrongCodeFailsOnItsAssert() {
        Result ok = sandbox.run(GOOD_JOB);
        assertEquals(Outcome.PASSED, ok.outcome(), ok::output);
        assertEquals("", ok.detail());
        Result wrong = failsThenNextPasses("def add(a, b):\n    return a - b\n", Outcome.ASSERTION);
        assertEquals("test 1 failed: assert add(1, 2) == 3", wrong.detail());
        Result missing = failsThenNextPasses("def plus(a, b):\n    return a + b\n", Outcome.ERROR);
        assertTrue(missing.detail().contains("NameError"), missing.detail());
    }

    @Test
    void setupCodeRunsAfterTheCodeAndBeforeTheTests() {
        Job job = new Job("def first(xs):\n    return heapq.nsmallest(1, xs)[0]\n", "import heapq",
                List.of("assert first([3, 1, 2]) == 1"));
        assertTrue(sandbox.run(job).passed());
    }

    @Test
    void infiniteLoopTimesOut() {
        failsThenNextPasses("while True:\n    pass\n", Outcome.TIMEOUT);
    }

    @Test
    void unboundedAllocationRunsOutOfMemory() {
        failsThenNextPasses("x = []\nwhile True:\n    x.append(' ' * 10**6)\n", Outcome.MEMORY);
    }

    @Test
    void forkIsBlocked() {
        Result r = failsThenNextPasses("import os\nos.fork()\n" + GOOD, Outcome.BLOCKED);
        assertTrue(r.detail().contains("os.fork"), r.detail());
    }

    @Test
    void forkBombThroughSubprocessIsBlocked() {
        failsThenNextPasses("import subprocess\nwhile True:\n    subprocess.Popen(['python3', '-c', 'pass'])\n",
                Outcome.BLOCKED);
        failsThenNextPasses("import os\nwhile True:\n    os.posix_spawn('/bin/true', ['true'], {})\n",
                Outcome.BLOCKED);
    }

    @Test
    void shellCommandsAreBlocked() {
        Result r = failsThenNextPasses("import os\nos.system('echo hi')\n" + GOOD, Outcome.BLOCKED);
        assertTrue(r.output().lines().noneMatch("hi"::equals), r.output());
        assertTrue(r.detail().contains("os.system"), r.detail());
    }

    @Test
    void readingStdinGetsEndOfFile() {
        Result r = failsThenNextPasses("name = input()\n" + GOOD, Outcome.ERROR);
        assertTrue(r.detail().contains("EOFError"), r.detail());
        // Code that copes with empty input passes by its own logic.
        assertTrue(sandbox.run(new Job("import sys\ndata = sys.stdin.read()\nassert data == ''\n" + GOOD, "",
                TESTS)).passed());
    }

    @Test
    void writingOutsideTheScratchDirectoryIsBlocked() {
        Path escape = Path.of("/tmp/qprobe-escape-" + UUID.randomUUID());
        failsThenNextPasses("open(" + py(escape) + ", 'w').write('x')\n" + GOOD, Outcome.BLOCKED);
        assertFalse(Files.exists(escape));
        failsThenNextPasses("import os\nos.open('../" + escape.getFileName() + "', os.O_CREAT | os.O_WRONLY)\n"
                + GOOD, Outcome.BLOCKED);
        assertFalse(Files.exists(escape));
        // Catching the refusal does not help: the attempt alone fails the job.
        Result caught = failsThenNextPasses("try:\n    open(" + py(escape) + ", 'a')\nexcept OSError:\n    pass\n"
                + GOOD, Outcome.BLOCKED);
        assertTrue(caught.detail().contains(escape.toString()), caught.detail());
        assertFalse(Files.exists(escape));
    }

    @Test
    void deletingOutsideTheScratchDirectoryIsBlocked() throws IOException {
        Path victim = Files.createTempFile("qprobe-victim-", ".txt");
        Path victimDir = Files.createTempDirectory("qprobe-victim-");
        try {
            failsThenNextPasses("import os\nos.remove(" + py(victim) + ")\n" + GOOD, Outcome.BLOCKED);
            failsThenNextPasses("import os\nos.rename(" + py(victim) + ", 'mine')\n" + GOOD, Outcome.BLOCKED);
            failsThenNextPasses("import shutil\nshutil.rmtree(" + py(victimDir) + ")\n" + GOOD, Outcome.BLOCKED);
            failsThenNextPasses("import os\nos.symlink(" + py(victim) + ", 'link')\n" + GOOD, Outcome.BLOCKED);
            assertTrue(Files.exists(victim));
            assertTrue(Files.isDirectory(victimDir));
        } finally {
            Files.deleteIfExists(victim);
            Files.deleteIfExists(victimDir);
        }
    }

    @Test
    void networkIsBlocked() throws IOException {
        networkIsBlocked(sandbox);
    }

    @Test
    void networkIsBlockedByTheHooksAlone() throws IOException {
        PythonSandbox hooksOnly = PythonSandbox.builder().timeout(Duration.ofSeconds(2))
                .isolation(Isolation.NONE).build();
        assertEquals(Isolation.NONE, hooksOnly.isolation());
        networkIsBlocked(hooksOnly);
    }

    private static void networkIsBlocked(PythonSandbox box) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            failsThenNextPasses(box, "import socket\nsocket.create_connection(('127.0.0.1', " + port + "))\n"
                    + GOOD, Outcome.BLOCKED);
            failsThenNextPasses(box, "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', " + port + "))\n"
                    + GOOD, Outcome.BLOCKED);
            server.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, server::accept, "the job reached the test's server");
        }
    }

    @Test
    void ctypesIsBlocked() {
        failsThenNextPasses("import ctypes\n" + GOOD, Outcome.BLOCKED);
    }

    @Test
    void syntaxErrorFails() {
        Result r = failsThenNextPasses("def add(a, b)\n    return a + b\n", Outcome.ERROR);
        assertTrue(r.detail().startsWith("syntax error in the completion"), r.detail());
    }

    @Test
    void exitingBeforeTheTestsIsNotAPass() {
        Result r = failsThenNextPasses(GOOD + "import sys\nsys.exit(0)\n", Outcome.ERROR);
        assertTrue(r.detail().contains("exited before the tests"), r.detail());
        failsThenNextPasses(GOOD + "import os\nos._exit(0)\n", Outcome.ERROR);
        // A look-alike status line does not help without the job's nonce.
        failsThenNextPasses(GOOD + "import os, sys\nprint('\\nPASSED')\nsys.stdout.flush()\nos._exit(0)\n",
                Outcome.ERROR);
    }

    @Test
    void hugeOutputIsCutAndTheJobStillEnds() {
        Result r = failsThenNextPasses("while True:\n    print('y' * 1000)\n", Outcome.TIMEOUT);
        assertTrue(r.truncated());
        assertTrue(r.output().length() <= 64 * 1024, "kept " + r.output().length() + " chars");
        // Output is not a failure in itself: right code that prints a lot passes.
        Result chatty = sandbox.run(new Job("print('z' * 3_000_000)\n" + GOOD, "", TESTS));
        assertTrue(chatty.passed(), chatty.detail());
        assertTrue(chatty.truncated());
        assertTrue(chatty.output().startsWith("zzz"));
    }

    @Test
    void theScratchDirectoryIsTheWorkingDirectoryAndIsDeleted() {
        String code = "import os\nprint('cwd=' + os.getcwd())\nopen('notes.txt', 'w').write('mine')\n"
                + "os.mkdir('sub')\nos.rename('notes.txt', 'sub/notes.txt')\n"
                + "assert open('sub/notes.txt').read() == 'mine'\n" + GOOD;
        Result r = sandbox.run(new Job(code, "", TESTS));
        assertTrue(r.passed(), r.detail() + "\n" + r.output());
        String cwd = r.output().lines().filter(l -> l.startsWith("cwd=")).findFirst().orElseThrow().substring(4);
        assertTrue(Path.of(cwd).getFileName().toString().startsWith("qprobe-sandbox-"), cwd);
        assertFalse(Files.exists(Path.of(cwd)), "scratch directory left behind: " + cwd);
    }

    @Test
    void aMainBlockDoesNotRun() {
        assertTrue(sandbox.run(new Job(GOOD + "if __name__ == '__main__':\n    print(add(input(), 1))\n", "",
                TESTS)).passed());
    }

    @Test
    void runAllKeepsTheOrderOfItsJobs() {
        PythonSandbox parallel = PythonSandbox.builder().parallelism(4).build();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int expected = i % 3 == 0 ? -1 : i;
            jobs.add(new Job("import time\ntime.sleep(" + (16 - i) * 0.01 + ")\ndef f():\n    return " + i + "\n",
                    "", List.of("assert f() == " + expected)));
        }
        List<Result> results = parallel.runAll(jobs);
        assertEquals(16, results.size());
        for (int i = 0; i < 16; i++) {
            assertEquals(i % 3 != 0, results.get(i).passed(), "job " + i + ": " + results.get(i).detail());
        }
        assertEquals(List.of(), parallel.runAll(List.of()));
    }

    @Test
    void reportsItsSettings() {
        assertNotNull(sandbox.isolation());
        assertTrue(sandbox.python().isAbsolute());
        assertEquals(Duration.ofSeconds(2), sandbox.timeout());
        assertEquals(Runtime.getRuntime().availableProcessors(), sandbox.parallelism());
    }

    @Test
    void aMissingInterpreterIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PythonSandbox.builder().python("/nonexistent/python3").build());
        assertTrue(e.getMessage().startsWith("python3 not found: install it or pass the path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PythonSandbox.builder().timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> PythonSandbox.builder().parallelism(0));
    }

    /** A Python string literal for a path. */
    private static String py(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
