package dev.qprobe.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.model.openai.ScriptedServer.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A response that cannot get better is not retried, and a wait shorter than the server asked for says so. */
@Timeout(30)
class PermanentErrorsTest {
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiEndpoint endpoint(int retries) {
        return OpenAiEndpoint.of(server.baseUrl(), "m").withEnv(Map.<String, String>of()::get)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).withMaxRetries(retries);
    }

    @Test
    void aNanInAnEmbeddingFailsAtOnceInsteadOfBeingRetried() {
        server.then(1, Response.json(200, "{\"data\": [{\"index\": 0, \"embedding\": [0.5, NaN, 1.0]}]}"));
        OpenAiEmbedder embedder = new OpenAiEmbedder(endpoint(5).withMode(OpenAiEndpoint.Mode.EMBEDDINGS), 3);
        var e = assertThrows(EndpointException.class, () -> embedder.embed("p", List.of("a")));
        assertTrue(e.getMessage().contains("non-finite or non-numeric value \"NaN\" at position 1"), e.getMessage());
        assertEquals(1, e.attempts());
        assertEquals(1, server.requests().size(), "a NaN is the server's answer, not a glitch: asked once");
    }

    @Test
    void aCappedRetryAfterSaysItWasCapped() {
        server.then(2, Response.error(429, "slow down").withHeader("Retry-After", "120"));
        var e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint(1)).sample("p", dev.qprobe.model.SamplingConfig.of(1)));
        assertEquals(2, server.requests().size());
        assertTrue(e.getMessage().contains("Retry-After of 120 s was capped at 0.05 s"), e.getMessage());
    }
}
