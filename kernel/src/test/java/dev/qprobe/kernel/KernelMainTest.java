package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelMainTest {
    private static final String GOOD = """
            {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003,
             "control_port": 5004, "hb_port": 5005, "key": "k", "signature_scheme": "hmac-sha256"}""";

    @TempDir
    Path dir;

    private String problem(String json) throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, json);
        String message = assertThrows(KernelMain.BadConnectionFile.class, () -> KernelMain.readConnectionFile(file))
                .getMessage();
        assertTrue(message.contains(file.toString()), message);
        return message;
    }

    @Test
    void aGoodFileIsRead() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, GOOD);
        var p = KernelMain.readConnectionFile(file);
        assertEquals("127.0.0.1", p.getIp());
        assertEquals(5004, p.getControlPort());
        assertEquals("k", p.getKey());
    }

    @Test
    void badFilesSayWhatIsWrong() throws Exception {
        assertTrue(problem("{ not json").contains("not valid JSON"));
        assertTrue(problem("[]").contains("not a JSON object"));
        assertTrue(problem(GOOD.replace("\"ip\": \"127.0.0.1\",", "")).contains("\"ip\""));
        assertTrue(problem(GOOD.replace("5003", "\"x\"")).contains("stdin_port"));
        assertTrue(problem(GOOD.replace("5005", "70000")).contains("hb_port"));
        assertTrue(problem(GOOD.replace("\"tcp\"", "\"udp\"")).contains("udp"));
        assertTrue(problem(GOOD.replace("hmac-sha256", "hmac-md5")).contains("hmac-md5"));
        Path missing = dir.resolve("missing.json");
        String message = assertThrows(KernelMain.BadConnectionFile.class,
                () -> KernelMain.readConnectionFile(missing)).getMessage();
        assertTrue(message.contains(missing.toString()) && message.contains("does not exist"), message);
    }

    @Test
    void aMissingFileExitsWithStatus2() throws Exception {
        Path missing = dir.resolve("missing.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KernelMain.class.getName(), missing.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains(missing.toString()) && output.contains("does not exist"), output);
    }

    @Test
    @org.junit.jupiter.api.Timeout(180)
    void theKernelAndItsEngineEndWithTheProcessThatStartedThem() throws Exception {
        Path file = dir.resolve("kernel.json");
        StringBuilder json = new StringBuilder("{\"transport\": \"tcp\", \"ip\": \"127.0.0.1\", \"key\": \"k\","
                + " \"signature_scheme\": \"hmac-sha256\"");
        for (String port : java.util.List.of("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")) {
            try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                json.append(", \"").append(port).append("\": ").append(s.getLocalPort());
            }
        }
        Files.writeString(file, json.append('}').toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A stand-in for the front end: a shell that starts the kernel, then waits until it is killed.
        Process frontEnd = new ProcessBuilder("sh", "-c",
                "\"$0\" -cp \"$1\" dev.qprobe.kernel.KernelMain \"$2\" >/dev/null 2>&1 & echo $!; exec sleep 600",
                java, System.getProperty("java.class.path"), file.toString()).start();
        ProcessHandle kernel = null;
        ProcessHandle engine = null;
        try {
            long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(
                    frontEnd.getInputStream(), StandardCharsets.UTF_8)).readLine().strip());
            kernel = ProcessHandle.of(pid).orElseThrow();
            while (engine == null) { // the engine starts in the background
                engine = kernel.children().findFirst().orElse(null);
                Thread.sleep(100);
            }
            frontEnd.destroy();
            assertTrue(frontEnd.waitFor(30, TimeUnit.SECONDS));
            kernel.onExit().get(60, TimeUnit.SECONDS);
            engine.onExit().get(60, TimeUnit.SECONDS);
        } finally {
            frontEnd.destroyForcibly();
            for (ProcessHandle h : new ProcessHandle[] {engine, kernel}) {
                if (h != null) {
                    h.destroyForcibly();
                }
            }
        }
    }
}
