package dev.qprobe.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI schemas, records every request, and
 * answers from a per-test script before falling back to well-formed responses.
 *
 * <p>Default answers: completions and chat give {@code n} choices (in reverse order, with their
 * index) whose text is {@code "s<seed>c<index>"}; even indices end with "stop", odd ones with
 * "length"; {@code usage.completion_tokens} counts 2 per stopped choice and {@code max_tokens} per
 * other. A request with n above {@link #maxN} gets 400 "n must be <= maxN". Embeddings give
 * {@code [length of text, first char, 1]} per input, in reverse order with their index.
 */
final class ScriptedServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One received request; {@code nanos} is the server's System.nanoTime() on receipt. */
    record Request(long nanos, String path, String authorization, JsonNode body) {
    }

    /** What to answer: a status, a body, headers, after waiting {@code hangMillis}. */
    record Response(int status, String body, Map<String, String> headers, long hangMillis) {
        static Response json(int status, String body) {
            return new Response(status, body, Map.of(), 0);
        }

        static Response error(int status, String message) {
            ObjectNode json = JSON.createObjectNode();
            json.putObject("error").put("message", message);
            return json(status, json.toString());
        }

        Response withHeader(String name, String value) {
            return new Response(status, body, Map.of(name, value), hangMillis);
        }

        /** Answers nothing for {@code millis} (or until the server closes), then 200 with an empty object. */
        static Response hang(long millis) {
            return new Response(200, "{}", Map.of(), millis);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<Request> requests = new ArrayList<>();
    private final Queue<Function<Request, Response>> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    volatile int maxN = Integer.MAX_VALUE;
    volatile long delayMillis;
    volatile int embeddingDim = 3;

    ScriptedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Answers the next {@code times} requests with {@code reply}, after what is scripted already. */
    ScriptedServer then(int times, Function<Request, Response> reply) {
        for (int i = 0; i < times; i++) {
            script.add(reply);
        }
        return this;
    }

    ScriptedServer then(int times, Response reply) {
        return then(times, r -> reply);
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The most requests received and not yet answered at one time. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long now = System.nanoTime();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            Request request = new Request(now, exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), JSON.readTree(raw));
            synchronized (requests) {
                requests.add(request);
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Response response;
            try {
                Function<Request, Response> scripted = script.poll();
                response = scripted != null ? scripted.apply(request) : standard(request);
                Thread.sleep(delayMillis + response.hangMillis());
            } catch (InterruptedException e) {
                return;
            } finally {
                // Before answering: the client frees its slot only once it has the answer.
                inFlight.decrementAndGet();
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Response standard(Request request) {
        JsonNode body = request.body();
        ObjectNode out = JSON.createObjectNode();
        if (request.path().endsWith("/embeddings")) {
            ArrayNode data = out.putArray("data");
            JsonNode input = body.path("input");
            for (int i = input.size() - 1; i >= 0; i--) {
                String text = input.get(i).asText();
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                ArrayNode v = item.putArray("embedding");
                v.add(text.length()).add(text.isEmpty() ? 0 : text.charAt(0));
                for (int j = 2; j < embeddingDim; j++) {
                    v.add(1.0);
                }
            }
            return Response.json(200, out.toString());
        }
        int n = body.path("n").asInt(1);
        if (n > maxN) {
            return Response.error(400, "n must be <= " + maxN);
        }
        boolean chat = request.path().endsWith("/chat/completions");
        long seed = body.path("seed").asLong();
        int maxTokens = body.path("max_tokens").asInt();
        int used = 0;
        ArrayNode choices = out.putArray("choices");
        for (int i = n - 1; i >= 0; i--) {
            ObjectNode choice = choices.addObject().put("index", i);
            String text = "s" + seed + "c" + i;
            if (chat) {
                choice.putObject("message").put("role", "assistant").put("content", text);
            } else {
                choice.put("text", text);
            }
            boolean stopped = i % 2 == 0;
            choice.put("finish_reason", stopped ? "stop" : "length");
            used += stopped ? 2 : maxTokens;
        }
        out.putObject("usage").put("completion_tokens", used);
        return Response.json(200, out.toString());
    }
}
