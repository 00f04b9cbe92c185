package dev.qprobe.model.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.openai.ScriptedServer.Request;
import dev.qprobe.model.openai.ScriptedServer.Response;
import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30) // a hung request fails the test instead of stalling the build
class OpenAiSamplerTest {
    static final String KEY_ENV = "QPROBE_TEST_KEY";
    static final String KEY = "sk-fake-QPROBE-7f3a9c21-do-not-leak";

    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The test server's endpoint with tiny backoffs and the fake key set. */
    private OpenAiEndpoint endpoint() {
        return OpenAiEndpoint.of(server.baseUrl() + "/", "test-model")
                .withApiKeyEnv(KEY_ENV)
                .withEnv(Map.of(KEY_ENV, KEY)::get)
                .withBackoff(Duration.ofMillis(10), Duration.ofSeconds(2))
                .withMaxRetries(2);
    }

    private static SamplingConfig config(int k) {
        return new SamplingConfig(k, 0.7, 0.9, 32, List.of("\n", "END"), 42);
    }

    private static List<String> texts(List<Completion> completions) {
        return completions.stream().map(Completion::text).toList();
    }

    @Test
    void completionsSendTheConfigAndParseChoicesInIndexOrder() {
        List<Completion> out = new OpenAiSampler(endpoint()).sample("2+2=", config(3));

        assertEquals(List.of(new Completion("s42c0", 2, true), new Completion("s42c1", 32, false),
                new Completion("s42c2", 2, true)), out);
        List<Request> requests = server.requests();
        assertEquals(1, requests.size());
        Request request = requests.get(0);
        assertEquals("/v1/completions", request.path());
        JsonNode body = request.body();
        assertEquals("test-model", body.get("model").asText());
        assertEquals("2+2=", body.get("prompt").asText());
        assertEquals(3, body.get("n").asInt());
        assertEquals(0.7, body.get("temperature").asDouble());
        assertEquals(0.9, body.get("top_p").asDouble());
        assertEquals(32, body.get("max_tokens").asInt());
        assertEquals("[\"\\n\",\"END\"]", body.get("stop").toString());
        assertEquals(42, body.get("seed").asLong());
        assertFalse(body.has("messages"));
    }

    @Test
    void chatSendsOneUserMessageAndReadsMessageContent() {
        OpenAiSampler sampler = new OpenAiSampler(endpoint().withMode(OpenAiEndpoint.Mode.CHAT));
        List<Completion> out = sampler.sample("hello", config(2).withStop(List.of()));

        assertEquals(List.of("s42c0", "s42c1"), texts(out));
        assertEquals(List.of(true, false), out.stream().map(Completion::stopped).toList());
        Request request = server.requests().get(0);
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("[{\"role\":\"user\",\"content\":\"hello\"}]", request.body().get("messages").toString());
        assertFalse(request.body().has("prompt"));
        assertFalse(request.body().has("stop"), "no stop strings: the field is left out");
        assertEquals(2, request.body().get("n").asInt());
        assertTrue(sampler.id().endsWith("#test-model#chat"), sampler.id());
    }

    @Test
    void splitsLargeKIntoRequestsWithTheirOwnSeedsInFixedOrder() {
        OpenAiSampler sampler = new OpenAiSampler(endpoint().withMaxNPerRequest(4));
        List<Completion> out = sampler.sample("p", config(10));

        assertEquals(List.of("s42c0", "s42c1", "s42c2", "s42c3", "s46c0", "s46c1", "s46c2", "s46c3",
                "s50c0", "s50c1"), texts(out));
        assertEquals(List.of("2@50", "4@42", "4@46"), nAndSeed(server.requests()), "sent concurrently, in any order");
    }

    @Test
    void learnsTheServersLimitOnNAndKeepsIt() {
        server.maxN = 4;
        OpenAiSampler sampler = new OpenAiSampler(endpoint());

        List<Completion> out = sampler.sample("p", config(10));
        assertEquals(List.of("s42c0", "s42c1", "s42c2", "s42c3", "s46c0", "s46c1", "s46c2", "s46c3",
                "s50c0", "s50c1"), texts(out));
        assertEquals(4, sampler.maxNPerRequest());
        // 10 refused, then 8 refused (2 at offset 8 fine), then 4 and 4.
        assertEquals(List.of("10@42", "2@50", "4@42", "4@46", "8@42"), nAndSeed(server.requests()));

        int before = server.requests().size();
        assertEquals(10, sampler.sample("q", config(10)).size());
        List<Request> later = server.requests().subList(before, server.requests().size());
        assertEquals(List.of("2@50", "4@42", "4@46"), nAndSeed(later));
    }

    @Test
    void anotherBadRequestIsNotRetriedNorSplit() {
        server.then(1, Response.error(400, "temperature is out of range"));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(4)));
        assertEquals(400, e.status());
        assertEquals(1, server.requests().size());
        assertTrue(e.getMessage().contains("temperature is out of range"), e.getMessage());
        assertTrue(e.getMessage().contains(server.baseUrl() + "/completions"), e.getMessage());
    }

    @Test
    void honoursRetryAfterOn429() {
        server.then(1, Response.error(429, "slow down").withHeader("Retry-After", "1"));
        List<Completion> out = new OpenAiSampler(endpoint()).sample("p", config(2));

        assertEquals(2, out.size());
        List<Request> requests = server.requests();
        assertEquals(2, requests.size());
        long gapMillis = (requests.get(1).nanos() - requests.get(0).nanos()) / 1_000_000;
        assertTrue(gapMillis >= 950, "the retry came " + gapMillis + " ms after the 429 with Retry-After: 1");
    }

    @Test
    void retriesServerErrors() {
        server.then(2, Response.error(500, "boom"));
        List<Completion> out = new OpenAiSampler(endpoint()).sample("p", config(2));

        assertEquals(List.of("s42c0", "s42c1"), texts(out));
        assertEquals(3, server.requests().size());
    }

    @Test
    void givesUpAfterMaxRetriesNamingUrlStatusAttemptsAndServerMessage() {
        server.then(3, Response.error(503, "overloaded " + "x".repeat(1000)));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(2)));

        assertEquals(3, server.requests().size());
        assertEquals(503, e.status());
        assertEquals(3, e.attempts());
        String m = e.getMessage();
        assertTrue(m.contains(server.baseUrl() + "/completions") && m.contains("3 attempts") && m.contains("HTTP 503")
                && m.contains("overloaded"), m);
        assertTrue(m.length() < 500, "the server's message is shortened: " + m.length() + " chars");
    }

    @Test
    void retriesASlowResponseThenFailsNamingTheTimeout() {
        server.then(3, Response.hang(10_000));
        OpenAiSampler sampler = new OpenAiSampler(endpoint().withRequestTimeout(Duration.ofMillis(200)));
        EndpointException e = assertThrows(EndpointException.class, () -> sampler.sample("p", config(2)));

        assertEquals(3, server.requests().size());
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("no response within 200 ms (the request timeout)"), e.getMessage());
        assertTrue(e.getMessage().contains("3 attempts"), e.getMessage());
    }

    @Test
    void retriesABodyCutShortThenFails() throws IOException {
        // Content-Length promises more than is sent before the connection closes.
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n";
        try (CuttingServer cutting = new CuttingServer(head + "{\"choices\":[{\"index\":0,\"text\":\"ab")) {
            OpenAiEndpoint e = endpoint();
            String base = "http://127.0.0.1:" + cutting.port() + "/v1";
            OpenAiSampler sampler = new OpenAiSampler(OpenAiEndpoint.of(base, "m")
                    .withBackoff(e.initialBackoff(), e.maxBackoff()).withMaxRetries(e.maxRetries()));
            EndpointException error = assertThrows(EndpointException.class, () -> sampler.sample("p", config(1)));

            assertEquals(3, cutting.requests(), "cut bodies are retried");
            assertEquals(3, error.attempts());
            assertTrue(error.getMessage().startsWith("POST " + base + "/completions failed after 3 attempts: "),
                    error.getMessage());
        }
    }

    /** Answers every request with the same raw bytes, then closes the connection. */
    private static final class CuttingServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger requests = new AtomicInteger();
        private final Thread thread;

        CuttingServer(String reply) throws IOException {
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // The request head; the body is left unread.
                        }
                        requests.incrementAndGet();
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // Closed at the end of the test.
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void retriesMalformedJsonThenFails() {
        server.then(3, Response.json(200, "{\"choices\":[{\"index\":0,\"text\":\"ab"));
        EndpointException cut = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(1)));
        assertTrue(cut.getMessage().contains("malformed or truncated JSON"), cut.getMessage());
        assertEquals(3, cut.attempts());

        server.then(3, Response.json(200, "<html>502 Bad Gateway</html>"));
        EndpointException html = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(1)));
        assertTrue(html.getMessage().contains("malformed or truncated JSON"), html.getMessage());
        assertEquals(6, server.requests().size());
    }

    @Test
    void wellFormedResponsesOfTheWrongShapeFailAtOnce() {
        OpenAiSampler sampler = new OpenAiSampler(endpoint());
        server.then(1, Response.json(200, "{\"id\":\"x\"}"));
        assertMessage(() -> sampler.sample("p", config(2)), "no \"choices\" array");

        server.then(1, Response.json(200, "{\"choices\":[{\"index\":0,\"text\":\"a\"}]}"));
        assertMessage(() -> sampler.sample("p", config(2)), "asked for n=2 choices, got 1");

        server.then(1, Response.json(200, "{\"choices\":[{\"index\":0,\"text\":null}]}"));
        assertMessage(() -> sampler.sample("p", config(1)), "choice 0 has no text in text");

        OpenAiSampler chat = new OpenAiSampler(endpoint().withMode(OpenAiEndpoint.Mode.CHAT));
        server.then(1, Response.json(200, "{\"choices\":[{\"index\":0,\"message\":{\"content\":[{\"type\":\"image\"}]}}]}"));
        assertMessage(() -> chat.sample("p", config(1)), "choice 0 has no text in message.content");

        assertEquals(4, server.requests().size(), "none of them retried");
    }

    private void assertMessage(Runnable call, String expected) {
        EndpointException e = assertThrows(EndpointException.class, call::run);
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(server.baseUrl()), e.getMessage());
    }

    @Test
    void rejectedKeyFailsAtOnceNamingTheVariable() {
        server.then(1, Response.error(401, "Incorrect API key provided"));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(1)));
        assertEquals(1, server.requests().size());
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("the API key from environment variable " + KEY_ENV + " was rejected"),
                e.getMessage());

        server.then(1, Response.error(403, "forbidden"));
        EndpointException missing = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint().withEnv(name -> null)).sample("p", config(1)));
        assertTrue(missing.getMessage().contains("environment variable " + KEY_ENV + " is not set"),
                missing.getMessage());
        assertEquals(2, server.requests().size());
    }

    @Test
    void notFoundNamesTheUrlAndTheModel() {
        server.then(1, Response.error(404, "The model `test-model` does not exist"));
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(endpoint()).sample("p", config(1)));
        assertEquals(1, server.requests().size());
        assertTrue(e.getMessage().contains("the URL " + server.baseUrl() + "/completions or the model \"test-model\""
                + " was not found"), e.getMessage());
    }

    @Test
    void unreachableEndpointFailsAfterRetries() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        OpenAiEndpoint closed = OpenAiEndpoint.of("http://127.0.0.1:" + port + "/v1", "m")
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10)).withMaxRetries(1);
        EndpointException e = assertThrows(EndpointException.class,
                () -> new OpenAiSampler(closed).sample("p", config(1)));
        assertEquals("cannot reach http://127.0.0.1:" + port + "/v1/completions: connection refused (2 attempts)",
                e.getMessage());
    }

    @Test
    void sendsTheKeyAsBearerOnlyWhenTheVariableIsSet() {
        new OpenAiSampler(endpoint()).sample("p", config(1));
        new OpenAiSampler(endpoint().withEnv(name -> null)).sample("p", config(1));
        new OpenAiSampler(endpoint().withEnv(name -> "")).sample("p", config(1));

        List<Request> requests = server.requests();
        assertEquals("Bearer " + KEY, requests.get(0).authorization());
        assertNull(requests.get(1).authorization());
        assertNull(requests.get(2).authorization());
    }

    @Test
    void boundsConcurrentRequestsOverAllCallers() throws Exception {
        server.delayMillis = 100;
        OpenAiSampler sampler = new OpenAiSampler(endpoint().withMaxConcurrentRequests(3).withMaxNPerRequest(2));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Completion>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String prompt = "p" + t;
                results.add(callers.submit(() -> sampler.sample(prompt, config(8))));
            }
            for (Future<List<Completion>> r : results) {
                assertEquals(List.of("s42c0", "s42c1", "s44c0", "s44c1", "s46c0", "s46c1", "s48c0", "s48c1"),
                        texts(r.get()));
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(16, server.requests().size());
        assertTrue(server.maxInFlight() <= 3, "in flight at once: " + server.maxInFlight());
        assertTrue(server.maxInFlight() >= 2, "requests do run in parallel: " + server.maxInFlight());
    }

    @Test
    void theKeyAppearsInNoMessageEvenWhenTheServerEchoesIt() {
        OpenAiEndpoint endpoint = endpoint();
        OpenAiSampler sampler = new OpenAiSampler(endpoint);
        List<String> texts = new ArrayList<>(List.of(endpoint.toString(), endpoint.id(), sampler.id()));
        int[] statuses = {401, 403, 404, 400, 422, 500};
        for (int status : statuses) {
            Function<Request, Response> echo = r -> Response.error(status, "you sent " + r.authorization());
            int attempts = status >= 500 ? 3 : 1; // only server errors are retried
            server.then(attempts, echo);
            texts.addAll(messages(assertThrows(EndpointException.class, () -> sampler.sample("p", config(1)))));
        }
        // A malformed body quoting the key: the parser's message quotes it in turn.
        Function<Request, Response> malformed =
                r -> Response.json(200, "{\"choices\": " + r.authorization().substring("Bearer ".length()));
        server.then(3, malformed);
        texts.addAll(messages(assertThrows(EndpointException.class, () -> sampler.sample("p", config(1)))));

        assertEquals("Bearer " + KEY, server.requests().get(0).authorization(), "the key was sent");
        for (String text : texts) {
            assertFalse(text.contains(KEY), "the key leaked into: " + text);
        }
        assertTrue(texts.stream().anyMatch(t -> t.contains("Bearer ***")), "the echoed key shows masked");
    }

    private static List<String> messages(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.add(String.valueOf(t.getMessage()));
            out.add(t.toString());
        }
        return out;
    }

    /** "n@seed" of each request, sorted: concurrent requests reach the server in any order. */
    private static List<String> nAndSeed(List<Request> requests) {
        return requests.stream().map(r -> r.body().get("n").asInt() + "@" + r.body().get("seed").asLong())
                .sorted().toList();
    }
}
