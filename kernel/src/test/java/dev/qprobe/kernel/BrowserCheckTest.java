package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qprobe.kernel.engine.Notebook;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-browser check: Debian's classic Jupyter Notebook server (v6) on loopback with this
 * kernel, the quick-start notebook opened in headless Chromium, Cell &gt; Run All, and the page
 * checked for a rendered table, a chart image and no error output (by
 * {@code src/test/browser/check-notebook.js}, Playwright). The full-page screenshot goes to
 * {@code target/browser-check/quick-start.png}, CI's artifact.
 *
 * <p>Uses {@code notebooks/01-quick-start.ipynb} when the repository has it, else a small fixture
 * notebook of the same kind. Skipped outside CI without Chromium, the Notebook server, node or
 * the script's {@code npm ci}; a failure in CI, where {@code .ci/run} provides them.
 */
class BrowserCheckTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The Node project with the check script; {@code npm ci} there installs Playwright. */
    static final Path SCRIPT_DIR = Path.of("src/test/browser");
    static final Path SCREENSHOT = Path.of("target/browser-check/quick-start.png");
    static final Path CHECK_LOG = SCREENSHOT.resolveSibling("check.log");
    static final Path NOTEBOOK = Path.of("../notebooks/01-quick-start.ipynb");
    static final String FIXTURE = "/browser-check/quick-start-fixture.ipynb";
    /** How long the notebook may take to run, the kernel's start included (the real quick start samples 200 prompts x 200). */
    static final int NOTEBOOK_TIMEOUT_S = 900;
    static final Duration SERVER_START = Duration.ofSeconds(90);

    @Test
    void quickStartNotebookRendersItsTableAndChartInChromium(@TempDir Path tmp) throws Exception {
        Path jupyter = ExternalTools.require(ExternalTools.JUPYTER, "apt-get install jupyter-core");
        ExternalTools.requirePythonModule("notebook", "apt-get install jupyter-notebook");
        ExternalTools.require(CHROMIUM, "apt-get install chromium");
        Path node = ExternalTools.require(onPath("node"), "apt-get install nodejs npm");
        ExternalTools.require(SCRIPT_DIR.resolve("node_modules/playwright-core"),
                "npm ci in kernel/src/test/browser, which .ci/run does");

        JupyterSandbox sandbox = JupyterSandbox.install(tmp);
        Path notebooks = Files.createDirectories(tmp.resolve("notebooks"));
        Files.writeString(notebooks.resolve("quick-start.ipynb"), freshCopy(notebookSource(), sandbox.kernelName()),
                StandardCharsets.UTF_8);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);

        int port = freePort();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        ProcessBuilder server = new ProcessBuilder(jupyter.toString(), "notebook", "--no-browser", "--allow-root",
                "--ip=127.0.0.1", "--port=" + port, "--NotebookApp.port_retries=0", "--NotebookApp.token=" + token,
                "--notebook-dir=" + notebooks)
                .redirectErrorStream(true)
                .redirectOutput(SCREENSHOT.resolveSibling("jupyter.log").toFile());
        // Everything Jupyter reads or writes stays in the temporary directory: our kernelspec
        // first on its path, no user configuration; samples go to the notebooks' shared cache.
        Map<String, String> env = server.environment();
        sandbox.isolate(env);
        env.put("QPROBE_CACHE", JupyterSandbox.SAMPLE_CACHE.toString());

        Process process = server.start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitServer(process, base + "/api/status?token=" + token);
            Process check = new ProcessBuilder(node.toString(), "check-notebook.js",
                    "--url", base + "/notebooks/quick-start.ipynb?token=" + token,
                    "--screenshot", SCREENSHOT.toAbsolutePath().toString(),
                    "--timeout-s", Integer.toString(NOTEBOOK_TIMEOUT_S),
                    "--chromium", CHROMIUM.toString())
                    .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).redirectOutput(CHECK_LOG.toFile())
                    .start();
            // The script stops itself at its timeout; the extra minute is for Chromium to start and close.
            boolean finished = check.waitFor(NOTEBOOK_TIMEOUT_S + 60, TimeUnit.SECONDS);
            if (!finished) {
                check.destroyForcibly().waitFor();
            }
            String output = Files.readString(CHECK_LOG, StandardCharsets.UTF_8);
            System.out.println(output);
            assertTrue(finished, "check-notebook.js did not finish:\n" + output);
            assertEquals(0, check.exitValue(), "check-notebook.js failed:\n" + output);
        } finally {
            stop(process);
        }
        assertScreenshot(SCREENSHOT);
    }

    /** The quick-start notebook when it exists, else the fixture. */
    private static String notebookSource() throws IOException, URISyntaxException {
        if (Files.isRegularFile(NOTEBOOK)) {
            return Files.readString(NOTEBOOK, StandardCharsets.UTF_8);
        }
        return Files.readString(Path.of(BrowserCheckTest.class.getResource(FIXTURE).toURI()), StandardCharsets.UTF_8);
    }

    /**
     * The notebook with every output and execution count removed, so that whatever the browser
     * finds was produced by this run, and with our kernelspec's name.
     */
    static String freshCopy(String notebookJson, String kernelName) {
        JsonObject notebook = JsonParser.parseString(notebookJson).getAsJsonObject();
        for (JsonElement cell : notebook.getAsJsonArray("cells")) {
            JsonObject c = cell.getAsJsonObject();
            if ("code".equals(c.get("cell_type").getAsString())) {
                c.add("outputs", new JsonArray());
                c.add("execution_count", JsonNull.INSTANCE);
            }
        }
        JsonObject metadata = notebook.getAsJsonObject("metadata");
        JsonObject kernelspec = new JsonObject();
        kernelspec.addProperty("name", kernelName);
        kernelspec.addProperty("display_name", KernelSpec.DISPLAY_NAME);
        kernelspec.addProperty("language", "java");
        metadata.add("kernelspec", kernelspec);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(notebook);
    }

    /** Waits until the server answers {@code statusUrl}; fails with its log if it exits first or takes too long. */
    private static void awaitServer(Process server, String statusUrl) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(statusUrl)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + SERVER_START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the notebook server exited with status " + server.exitValue() + ":\n" + serverLog());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        fail("the notebook server did not answer within " + SERVER_START.toSeconds() + " s:\n" + serverLog());
    }

    private static String serverLog() throws IOException {
        return Files.readString(SCREENSHOT.resolveSibling("jupyter.log"), StandardCharsets.UTF_8);
    }

    /**
     * Stops the server as Ctrl-C would (SIGTERM: it shuts its kernels down), then ends by force
     * whatever of it and its kernels is still running after a grace period.
     */
    private static void stop(Process server) throws InterruptedException {
        List<ProcessHandle> started = new ArrayList<>(server.descendants().toList());
        started.add(server.toHandle());
        server.destroy();
        server.waitFor(20, TimeUnit.SECONDS);
        for (ProcessHandle p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /** A PNG of the notebook page: the signature, a width of the script's viewport, a page's worth of height. */
    private static void assertScreenshot(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), "no screenshot at " + png.toAbsolutePath());
        byte[] bytes = Files.readAllBytes(png);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertArrayEquals(signature, java.util.Arrays.copyOf(bytes, 8), "not a PNG file");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth(), "the check's viewport width");
        assertTrue(image.getHeight() >= 900, "at least one screen of notebook: " + image.getHeight() + " px");
        // A blank page compresses to a few kilobytes; a table and a chart do not.
        assertTrue(bytes.length > 30_000, "screenshot of " + bytes.length + " bytes: is the page empty?");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code program} as found on PATH, or where it would be under /usr/bin (so that require() names it). */
    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/bin", program);
    }
}
