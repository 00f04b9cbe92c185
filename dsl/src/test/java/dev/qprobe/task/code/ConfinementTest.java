package dev.qprobe.task.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.task.code.PythonSandbox.Isolation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jail alone, without the worker's audit hook: code that is free to call anything still
 * cannot write outside its scratch directory, reach the network, see or signal this JVM, or fork
 * past its process limit.
 */
class ConfinementTest {
    private static final String ESCAPE = "qprobe-jail-escape-" + UUID.randomUUID();

    @ParameterizedTest
    @EnumSource(value = Isolation.class, names = {"BUBBLEWRAP", "UNSHARE"})
    void theJailAloneHolds(Isolation isolation) throws IOException {
        Confinement jail = jailOrSkip(isolation);
        WatchedDir watched = WatchedDir.create();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> before = watched.snapshot();
            String script = String.join("\n",
                    "import json, os, socket, time",
                    "set_limits(" + new ObjectMapper().writeValueAsString(jail.limits(256L << 20, 5, 1 << 20, 8))
                            .replace("\"", "'") + ")",
                    "out = {}",
                    "def attempt(name, f):",
                    "    try:",
                    "        f()",
                    "        out[name] = 'done'",
                    "    except OSError as e:",
                    "        out[name] = type(e).__name__",
                    "attempt('append to the victim file', lambda: open(" + PythonSandboxTest.py(watched.victimFile)
                            + ", 'a').write('x'))",
                    "attempt('create in the victim dir', lambda: open(" + PythonSandboxTest.py(watched.victim)
                            + " + '/jail.txt', 'w'))",
                    "attempt('create in the parent dir', lambda: open('../jail.txt', 'w'))",
                    "attempt('create in /tmp', lambda: open('/tmp/" + ESCAPE + "', 'w'))",
                    "attempt('connect to the host', lambda: socket.create_connection(('127.0.0.1', "
                            + server.getLocalPort() + "), timeout=2))",
                    "attempt('signal the JVM', lambda: os.kill(" + ProcessHandle.current().pid() + ", 0))",
                    "open('mine.txt', 'w').write('scratch is writable')",
                    "out['processes seen'] = sum(1 for p in os.listdir('/proc') if p.isdigit())",
                    "forks = 0",
                    "try:",
                    "    for _ in range(64):",
                    "        if os.fork() == 0:",
                    "            time.sleep(5)",
                    "            os._exit(0)",
                    "        forks += 1",
                    "except OSError:",
                    "    pass",
                    "out['forks'] = forks",
                    "out['uid'] = os.getuid()",
                    "print(json.dumps(out), flush=True)",
                    "os._exit(0)");
            Path scratch = jail.newScratch(watched.scratchParent);
            SandboxProcess.Finished f;
            try {
                f = SandboxProcess.run(jail.command(scratch, List.of("-I", "-S", "-B", "-c",
                                Files.readString(resource("common.py")) + "\n" + script)), scratch, jail.env(scratch),
                        null, Duration.ofSeconds(20), 64 * 1024);
                assertEquals("scratch is writable", Files.readString(scratch.resolve("mine.txt")));
            } finally {
                ScratchDirs.delete(scratch);
            }
            assertEquals(0, f.exitCode(), f.output());
            String out = f.output().strip();
            JsonNode r = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
            for (String write : List.of("append to the victim file", "create in the victim dir",
                    "create in the parent dir", "create in /tmp", "connect to the host")) {
                assertTrue(r.path(write).asText().endsWith("Error"), write + ": " + r + "\n" + f.output());
            }
            assertEquals("ProcessLookupError", r.get("signal the JVM").asText(), r.toString());
            assertTrue(r.get("processes seen").asInt() <= 3, "the jail sees other processes: " + r);
            assertTrue(r.get("forks").asInt() < 8, "forked past the limit of 8: " + r);
            // Without root, unshare leaves the code as root of its own user namespace, without capabilities.
            int uid = r.get("uid").asInt();
            assertTrue(uid == Confinement.SANDBOX_UID || isolation == Isolation.UNSHARE && uid == 0, r.toString());
            server.setSoTimeout(100);
            try {
                server.accept().close();
                throw new AssertionError("the jail reached the test's server");
            } catch (SocketTimeoutException expected) {
                // Nothing came.
            }
            assertEquals(before, watched.snapshot(), "something changed outside the scratch directory");
            assertFalse(Files.exists(Path.of("/tmp", ESCAPE)));
        } finally {
            watched.delete();
        }
    }

    /** The jail of that kind for python3 (or /usr/bin/python3), or the test skipped with the reason. */
    private static Confinement jailOrSkip(Isolation isolation) {
        String why = "";
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Interpreter interpreter = Interpreter.find(python);
                return Confinement.choose(interpreter.executable(), interpreter.dirsOutsideTheSystem(), isolation);
            } catch (IllegalStateException e) {
                why += python + ": " + e.getMessage() + " ";
            }
        }
        assumeTrue(false, isolation + " does not work here: " + why);
        throw new IllegalStateException(why);
    }

    private static Path resource(String name) {
        try {
            return Path.of(ConfinementTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
