package dev.qprobe.model.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.model.openai.ScriptedServer.Request;
import dev.qprobe.model.openai.ScriptedServer.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30) // a hung request fails the test instead of stalling the build
class OpenAiEmbedderTest {
    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiEndpoint endpoint() {
        return OpenAiEndpoint.of(server.baseUrl(), "embed-model")
                .withEnv(Map.of(OpenAiEndpoint.DEFAULT_API_KEY_ENV, "sk-fake-embed")::get)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .withMaxRetries(1);
    }

    @Test
    void embedsPromptPlusCompletionInOrderAndInBatches() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(endpoint(), 3).withBatchSize(3);
        List<String> completions = List.of("a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g");
        float[][] vectors = embedder.embed("Q:", completions);

        assertEquals(7, vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            String text = "Q:" + completions.get(i);
            assertArrayEquals(new float[] {text.length(), 'Q', 1}, vectors[i], "vector " + i);
        }
        List<Request> requests = server.requests();
        assertEquals(List.of(3, 3, 1), requests.stream().map(r -> r.body().get("input").size()).toList());
        assertEquals("[\"Q:dddd\",\"Q:eeeee\",\"Q:ffffff\"]", requests.get(1).body().get("input").toString());
        assertEquals("embed-model", requests.get(0).body().get("model").asText());
        assertTrue(requests.stream().allMatch(r -> r.path().equals("/v1/embeddings")));
        assertEquals("Bearer sk-fake-embed", requests.get(0).authorization());
        assertEquals("openai:" + server.baseUrl() + "#embed-model#embeddings", embedder.id());
    }

    @Test
    void probeLearnsTheDimensionFromOneRequest() {
        server.embeddingDim = 5;
        OpenAiEmbedder embedder = OpenAiEmbedder.probe(endpoint());
        assertEquals(5, embedder.dim());
        assertEquals(1, server.requests().size());
        assertEquals(1, server.requests().get(0).body().get("input").size());
        assertEquals(5, embedder.embed("x", List.of("y"))[0].length);
    }

    @Test
    void wrongDimensionFailsNamingTheText() {
        server.then(1, Response.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,2,3]},"
                + "{\"index\":1,\"embedding\":[1,2]}]}"));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiEmbedder(endpoint(), 3).withBatchSize(2).embed("p", List.of("a", "b")));
        assertTrue(e.getMessage().contains("text 1 has an embedding of dimension 2, expected 3"), e.getMessage());
        assertTrue(e.getMessage().contains(server.baseUrl() + "/embeddings"), e.getMessage());

        server.embeddingDim = 4;
        EndpointException second = assertThrows(EndpointException.class,
                () -> new OpenAiEmbedder(endpoint(), 3).withBatchSize(2).embed("p", List.of("a", "b", "c")));
        assertTrue(second.getMessage().contains("text 1 has an embedding of dimension 4, expected 3"),
                second.getMessage());
    }

    @Test
    void positionsInMessagesCountAcrossBatches() {
        server.then(1, Response.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,2,3]},"
                + "{\"index\":1,\"embedding\":[1,2,3]}]}"));
        server.then(1, Response.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,1e39,3]}]}"));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiEmbedder(endpoint(), 3).withBatchSize(2).embed("p", List.of("a", "b", "c")));
        assertTrue(e.getMessage().contains("text 2 has a non-finite or non-numeric value 1.0E39 at position 1"),
                e.getMessage());
    }

    @Test
    void missingOrShortDataFails() {
        server.then(1, Response.json(200, "{\"object\":\"list\"}"));
        EndpointException none = assertThrows(EndpointException.class,
                () -> new OpenAiEmbedder(endpoint(), 3).embed("p", List.of("a")));
        assertTrue(none.getMessage().contains("no \"data\" array"), none.getMessage());

        server.then(1, Response.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,2,3]}]}"));
        EndpointException few = assertThrows(EndpointException.class,
                () -> new OpenAiEmbedder(endpoint(), 3).embed("p", List.of("a", "b")));
        assertTrue(few.getMessage().contains("sent 2 texts, got 1 embeddings"), few.getMessage());
    }
}
