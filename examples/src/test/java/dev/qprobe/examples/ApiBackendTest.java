package dev.qprobe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiBackendTest {
    private static final Pattern ARGMAX = Pattern.compile("base ([0-9.]+), oracle@12 [0-9.]+; PG\\(k=10,T=0.1\\) argmax@12 ([0-9.]+)");

    @Test
    void samplesAndEmbedsThroughTheEndpointAndTheProbeLearnsWhichAnswersToTrust(@TempDir Path cache) throws Exception {
        try (ArithmeticServer server = new ArithmeticServer()) {
            String printed = Console.output(() -> ApiBackend.main(new String[] {
                    "--base-url", server.baseUrl(), "--model", "tiny-math", "--embedding-model", "tiny-embed",
                    "--train", "16", "--test", "8", "--k", "12", "--cache", cache.toString()}));

            var completions = server.requests.stream().filter(r -> r.path().equals("/v1/completions")).toList();
            assertEquals(16 + 8, completions.size(), "one request per prompt (k = 12 fits in one)");
            for (var r : completions) {
                assertEquals("tiny-math", r.body().path("model").asText());
                assertEquals(12, r.body().path("n").asInt());
                assertTrue(r.body().path("prompt").asText().matches("[0-9]+\\+[0-9]+="), r.body().toString());
                assertEquals("\n", r.body().path("stop").get(0).asText());
            }
            var embeddings = server.requests.stream().filter(r -> r.path().equals("/v1/embeddings")).toList();
            assertTrue(embeddings.size() >= 16 + 8, "every prompt's candidates were embedded by the server");
            embeddings.forEach(r -> assertEquals("tiny-embed", r.body().path("model").asText()));

            assertTrue(printed.contains("Features[Embed.api() = openai:" + server.baseUrl() + "#tiny-embed#embeddings, 4 dims"),
                    printed);
            // Careful answers are always right and their style is in the features: the probe picks them.
            Matcher m = ARGMAX.matcher(printed);
            assertTrue(m.find(), printed);
            assertTrue(Double.parseDouble(m.group(2)) > Double.parseDouble(m.group(1)) + 0.2, m.group());
        }
    }

    @Test
    void takesTheEndpointFromTheEnvironmentAndSendsTheKey(@TempDir Path cache) throws Exception {
        try (ArithmeticServer server = new ArithmeticServer()) {
            Map<String, String> env = Map.of("QPROBE_OPENAI_BASE_URL", server.baseUrl(), "QPROBE_OPENAI_MODEL", "tiny-math",
                    "QPROBE_OPENAI_EMBEDDING_MODEL", "tiny-embed", "OPENAI_API_KEY", "sk-test-123");
            String printed = Console.output(() -> ApiBackend.run(new String[] {
                    "--train", "4", "--test", "2", "--k", "12", "--cache", cache.toString()}, env::get));

            assertTrue(printed.contains("Results[2 test prompts"), printed);
            assertTrue(!server.requests.isEmpty());
            server.requests.forEach(r -> assertEquals("Bearer sk-test-123", r.authorization()));
            assertTrue(!printed.contains("sk-test-123"), "the key is never printed");
        }
    }

    @Test
    void withoutAnEndpointItSaysHowToGiveOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> ApiBackend.run(new String[0], name -> null));
        assertTrue(e.getMessage().contains("--base-url") && e.getMessage().contains("QPROBE_OPENAI_BASE_URL"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ApiBackend.run(new String[] {"--base-url", "http://127.0.0.1:9/v1"}, name -> null));
        assertTrue(e.getMessage().contains("no model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ApiBackend.run(new String[] {
                "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--mode", "edits"}, name -> null));
        assertTrue(e.getMessage().contains("--mode must be completions or chat"), e.getMessage());
    }
}
