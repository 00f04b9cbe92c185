package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.io.SampleSetIO;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```java block of README.md runs unchanged in JShell, fed line by line as {@code qprobe
 * shell} feeds it (a line that completes a statement runs at once), with the DSL imported as the
 * shell and the kernel import it. Blocks that talk to a server get one inside the test: its address
 * replaces the README's, and nothing else changes. The built-in task's samples come from the cache
 * the demo's test fills, so CI samples them once.
 */
class ReadmeSnippetsTest {
    /** README's paths are relative to the checkout; tests run in cli/. */
    private static final java.nio.file.Path REPO_ROOT = java.nio.file.Path.of("..").toAbsolutePath().normalize();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheReadmeRunsInJShell(@TempDir Path work) throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("qprobe.root", ".."), "README.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertTrue(blocks.size() >= 5, "README's java blocks: " + blocks.size());
        // The files "Using the library directly" reads, as NumPy and a script would write them.
        SampleSetIO.save(SyntheticSamples.generate(40, 16, 12, 0.3, 5), work.resolve("features.npy"),
                work.resolve("samples.jsonl"));

        HttpServer server = openAiLike();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        try (JShell shell = JShell.builder().out(System.out).err(System.err)
                .remoteVMOptions("-Duser.dir=" + work, "-Dqprobe.cache=" + DemoCache.DIR.toAbsolutePath(),
                        "--add-modules=jdk.incubator.vector", "-Xmx1g")
                .build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String i : QProbe.IMPORTS) {
                run(shell, "import " + i + ";\n");
            }
            for (String block : blocks) {
                // java.io.File follows -Duser.dir, NIO the process's real directory: give output an absolute path.
                run(shell, block.replace("http://localhost:8000/v1", url)
                        .replace("http://vllm-router.internal/v1", url)
                        .replace("Path.of(\"my-run\")", "Path.of(\"" + work.resolve("my-run") + "\")")
                        .replace("Path.of(\"dsl/", "Path.of(\"" + REPO_ROOT + "/dsl/"));
            }
        } finally {
            server.stop(0);
        }
        assertTrue(Files.isRegularFile(work.resolve("my-run/probes/pg.json")), "the README names probes/pg.json");
        assertTrue(Files.isRegularFile(work.resolve("my-run/probes/mse.json")));
    }

    /** Feeds {@code source} line by line, evaluating each statement as soon as JShell sees it complete. */
    private static void run(JShell shell, String source) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        StringBuilder pending = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            pending.append(line).append('\n');
            while (true) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending.toString());
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending.setLength(0);   // blank or only a comment: nothing to run, as in jshell
                    break;
                }
                if (!info.completeness().isComplete()) {
                    break;
                }
                for (SnippetEvent e : shell.eval(info.source())) {
                    if (e.status() == Snippet.Status.REJECTED || e.exception() != null) {
                        String why = e.exception() != null ? e.exception().toString()
                                : shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList().toString();
                        fail("README snippet fails in JShell:\n" + info.source() + "\n-> " + why);
                    }
                }
                pending = new StringBuilder(info.remaining());
                if (info.remaining().isBlank()) {
                    pending.setLength(0);
                    break;
                }
            }
        }
        assertEquals("", pending.toString().strip(), "an unfinished statement at the end of a README block");
    }

    /** Completions and embeddings as an OpenAI-compatible server answers them: "42" for every prompt. */
    private static HttpServer openAiLike() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", exchange -> {
            try (exchange) {
                JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                ObjectNode out = JSON.createObjectNode();
                if (exchange.getRequestURI().getPath().endsWith("/embeddings")) {
                    ArrayNode data = out.putArray("data");
                    for (int i = 0; i < body.path("input").size(); i++) {
                        ArrayNode v = data.addObject().put("index", i).putArray("embedding");
                        String text = body.path("input").get(i).asText();
                        for (int j = 0; j < 384; j++) {
                            v.add(j < text.length() ? text.charAt(j) / 128.0 : 0.0);
                        }
                    }
                } else {
                    ArrayNode choices = out.putArray("choices");
                    int n = body.path("n").asInt(1);
                    for (int i = 0; i < n; i++) {
                        choices.addObject().put("index", i).put("text", String.valueOf(100 + i % 7))
                                .put("finish_reason", "stop");
                    }
                    out.putObject("usage").put("completion_tokens", 2 * n);
                }
                byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(bytes);
                }
            }
        });
        server.start();
        return server;
    }
}
