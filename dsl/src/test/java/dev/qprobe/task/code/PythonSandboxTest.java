package dev.qprobe.task.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack on the code reward, each scoring 0 with nothing changed outside the scratch
 * directory. The attacks run once, all in parallel, before the tests; each test then checks its
 * own result, that its own target does not exist, and that the watched directory (a world-writable
 * victim folder and the scratch directories' parent) is exactly as it was.
 */
class PythonSandboxTest {
    static final List<String> TESTS = List.of("assert add(1, 2) == 3", "assert add(-1, 1) == 0");
    static final String GOOD = "def add(a, b):\n    return a + b\n";
    private static final String WRONG = "def add(a, b):\n    return a - b\n";
    private static final String TMP_ESCAPE = "qprobe-escape-" + UUID.randomUUID();

    private static WatchedDir watched;
    private static ServerSocket server;
    private static PythonSandbox sandbox;
    private static Map<String, Result> results;
    private static Map<String, String> before;
    private static Map<String, String> after;

    /** The attacks by name: what a hostile completion does. */
    private static Map<String, String> attacks() {
        String victim = py(watched.victim);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("dirFd", "import os\nfd = os.open(" + victim + ", os.O_RDONLY)\n"
                + "os.write(os.open('dirFd.txt', os.O_CREAT | os.O_WRONLY, dir_fd=fd), b'x')\n" + GOOD);
        a.put("opener", "import os\nfd = os.open(" + victim + ", os.O_RDONLY)\n"
                + "open('opener.txt', 'w', opener=lambda p, f: os.open(p, f, dir_fd=fd)).write('x')\n" + GOOD);
        a.put("tmpDirFd", "import os\nfd = os.open('/tmp', os.O_RDONLY)\n"
                + "os.write(os.open('" + TMP_ESCAPE + "', os.O_CREAT | os.O_WRONLY, dir_fd=fd), b'x')\n" + GOOD);
        a.put("parentDir", "open('../parentDir.txt', 'w').write('x')\n" + GOOD);
        a.put("parentDirFd", "import os\nfd = os.open('..', os.O_RDONLY)\n"
                + "os.write(os.open('parentDirFd.txt', os.O_CREAT | os.O_WRONLY, dir_fd=fd), b'x')\n" + GOOD);
        a.put("truncateVictim", "import os\nos.truncate(" + py(watched.victimFile) + ", 0)\n" + GOOD);
        // Rebinds everything the worker script holds in globals, then reports a value for every
        // call without knowing the expected ones; and tries a shell with the blocked sets emptied.
        a.put("mainRebinding", "import __main__, os\n"
                + "for name in ('_BLOCKED_EVENTS', '_BLOCKED_MODULES'):\n    setattr(__main__, name, frozenset())\n"
                + "__main__._PATH_EVENTS = {}\n"
                + "__main__._encode = lambda v, c, d=0: ['i', '3']\n"
                + "__main__._step = lambda step, where, ns: {'values': [['i', '3'] for _ in step.get('eval', [])]}\n"
                + "__main__._failure = lambda e, where: None\n"
                + "try:\n    os.system('touch " + watched.victim + "/mainRebinding.txt')\nexcept OSError:\n    pass\n"
                + WRONG);
        a.put("alwaysEqual", "class Anything:\n    def __eq__(self, other):\n        return True\n"
                + "    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\n"
                + "def add(a, b):\n    return Anything()\n");
        a.put("alwaysEqualInt", "class Int(int):\n    def __eq__(self, other):\n        return True\n"
                + "    __hash__ = int.__hash__\ndef add(a, b):\n    return Int(0)\n");
        a.put("subprocess", "import subprocess\nsubprocess.run(['touch', "
                + py(watched.victim.resolve("subprocess.txt")) + "])\n" + GOOD);
        a.put("socket", "import socket\nsocket.create_connection(('127.0.0.1', " + server.getLocalPort() + "))\n"
                + GOOD);
        a.put("ctypes", "import ctypes\nctypes.CDLL(None).system(b'touch " + watched.victim + "/ctypes.txt')\n" + GOOD);
        a.put("forkLoop", "import os\nwhile True:\n    os.fork()\n" + GOOD);
        a.put("infiniteLoop", "while True:\n    pass\n" + GOOD);
        a.put("hugeAllocation", "x = [' ' * 10**6 for _ in range(100)]\ny = bytearray(1 << 40)\n" + GOOD);
        a.put("sysExit", GOOD + "import sys\nsys.exit(0)\n");
        a.put("osExit", GOOD + "import os, sys\nprint('\\nPASSED')\nsys.stdout.flush()\nos._exit(0)\n");
        a.put("correct", GOOD);
        return a;
    }

    @BeforeAll
    static void runEveryAttack() throws IOException {
        sandbox = sandboxOrSkip(PythonSandbox.builder());
        watched = WatchedDir.create();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PythonSandbox box = PythonSandbox.builder().timeout(Duration.ofSeconds(5)).parallelism(4)
                .scratchParent(watched.scratchParent).build();
        before = watched.snapshot();
        Map<String, String> attacks = attacks();
        List<Job> jobs = new ArrayList<>();
        attacks.values().forEach(code -> jobs.add(new Job(code, "", TESTS)));
        List<Result> ran = box.runAll(jobs);
        results = new LinkedHashMap<>();
        int i = 0;
        for (String name : attacks.keySet()) {
            results.put(name, ran.get(i++));
        }
        after = watched.snapshot();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (server != null) {
            server.close();
        }
        if (watched != null) {
            watched.delete();
        }
    }

    /** A sandbox from {@code builder}, or the test skipped where python3 or every jail is missing. */
    static PythonSandbox sandboxOrSkip(PythonSandbox.Builder builder) {
        try {
            return builder.timeout(Duration.ofSeconds(5)).build();
        } catch (IllegalStateException e) {
            assumeTrue(false, "no sandbox here: " + e.getMessage());
            throw e;
        }
    }

    /** The attack scored 0, ended as expected, wrote nothing outside; returns its result. */
    private static Result scoredZero(String attack, Outcome expected) {
        Result r = results.get(attack);
        assertFalse(r.passed(), () -> attack + " passed: " + r.output());
        if (expected != null) {
            assertEquals(expected, r.outcome(), () -> attack + ": " + r.detail() + "\n" + r.output());
        }
        assertEquals(before, after, "something changed outside the scratch directories");
        assertFalse(Files.exists(watched.victim.resolve(attack + ".txt")));
        assertFalse(Files.exists(watched.scratchParent.resolve(attack + ".txt")));
        return r;
    }

    @Test
    void aCorrectSolutionScoresOne() {
        Result r = results.get("correct");
        assertEquals(Outcome.PASSED, r.outcome(), r.detail() + "\n" + r.output());
        assertEquals("", r.detail());
        assertEquals(before, after);
    }

    @Test
    void writesThroughADirectoryDescriptorFail() {
        // The audit hook cannot see dir_fd on open: the read-only jail is what stops these.
        scoredZero("dirFd", Outcome.ERROR);
        scoredZero("opener", Outcome.ERROR);
        Result tmp = scoredZero("tmpDirFd", Outcome.ERROR);
        assertFalse(Files.exists(Path.of("/tmp", TMP_ESCAPE)), tmp.output());
    }

    @Test
    void writesToTheParentDirectoryFail() {
        Result r = scoredZero("parentDir", Outcome.BLOCKED);
        assertTrue(r.detail().contains("outside the scratch directory"), r.detail());
        scoredZero("parentDirFd", Outcome.ERROR);
        scoredZero("truncateVictim", Outcome.BLOCKED);
        assertEquals("keep me\n", read(watched.victimFile));
    }

    @Test
    void rebindingTheWorkersGlobalsDoesNotMakeWrongCodePass() {
        Result r = scoredZero("mainRebinding", null);
        assertTrue(r.outcome() == Outcome.BLOCKED || r.outcome() == Outcome.ASSERTION, r.outcome() + ": " + r.detail());
    }

    @Test
    void anAlwaysEqualResultFails() {
        Result r = scoredZero("alwaysEqual", Outcome.ASSERTION);
        assertEquals("test 1 failed: assert add(1, 2) == 3", r.detail());
        scoredZero("alwaysEqualInt", Outcome.ASSERTION);
    }

    @Test
    void subprocessesAreBlocked() {
        scoredZero("subprocess", Outcome.BLOCKED);
        scoredZero("forkLoop", Outcome.BLOCKED);
    }

    @Test
    void socketsAreBlockedAndReachNothing() throws IOException {
        scoredZero("socket", Outcome.BLOCKED);
        server.setSoTimeout(200);
        assertThrows(SocketTimeoutException.class, server::accept, "the job reached the test's server");
    }

    @Test
    void ctypesIsBlocked() {
        scoredZero("ctypes", Outcome.BLOCKED);
    }

    @Test
    void anInfiniteLoopTimesOut() {
        scoredZero("infiniteLoop", Outcome.TIMEOUT);
    }

    @Test
    void aHugeAllocationRunsOutOfMemory() {
        scoredZero("hugeAllocation", Outcome.MEMORY);
    }

    @Test
    void exitingBeforeTheAssertsIsNotAPass() {
        assertTrue(scoredZero("sysExit", Outcome.ERROR).detail().contains("exited before the tests"));
        // A look-alike status line and exit code 0 do not help either.
        scoredZero("osExit", Outcome.ERROR);
    }

    @Test
    void theJailIsReported() {
        assertNotEquals(Isolation.NONE, sandbox.isolation());
        assertTrue(sandbox.toString().contains(sandbox.isolation().toString()), sandbox.toString());
        assertTrue(sandbox.python().isAbsolute());
        assertEquals(Duration.ofSeconds(5), sandbox.timeout());
        assertEquals(Runtime.getRuntime().availableProcessors(), sandbox.parallelism());
    }

    @Test
    void withoutAWorkingJailUntrustedCodeIsRefused(@TempDir Path dir) throws IOException {
        // An interpreter that answers the look-up but cannot run in any jail, as on a machine
        // without user namespaces: every probe fails, and the sandbox says so instead of running.
        Path fake = dir.resolve("python3");
        Files.writeString(fake, "#!/bin/sh\ncase \"$*\" in\n  *version_info*) echo '[\"" + fake + "\", [\"" + dir
                + "\"]]' ;;\n  *) echo 'cannot start here'; exit 1 ;;\nesac\n");
        assertTrue(fake.toFile().setExecutable(true));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PythonSandbox.builder().python(fake.toString()).build());
        assertTrue(e.getMessage().startsWith("no operating-system isolation works here, so untrusted code is not run"
                + " (bubblewrap: "), e.getMessage());
        assertTrue(e.getMessage().contains("; unshare: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("opt in to unisolated runs with PythonSandbox.unisolated()"),
                e.getMessage());
    }

    @Test
    void aMissingInterpreterIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PythonSandbox.builder().python("/nonexistent/python3").build());
        assertTrue(e.getMessage().startsWith("python3 not found: install it or pass the path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PythonSandbox.builder().timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> PythonSandbox.builder().parallelism(0));
        assertThrows(IllegalArgumentException.class, () -> PythonSandbox.builder().maxProcesses(0));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Python string literal for a path. */
    static String py(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
