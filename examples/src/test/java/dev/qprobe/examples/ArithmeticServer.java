package dev.qprobe.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.ArithmeticTask.Strategy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for an OpenAI-compatible model server on 127.0.0.1, just enough for ApiBackend:
 * {@code /v1/completions} answers {@code "a+b="} in the arithmetic task's three styles (careful:
 * always right; quick: wrong one time in two; guess: rough), chosen by the request's seed;
 * {@code /v1/embeddings} gives each text a one-hot vector of its answer's style, plus its length.
 * So the style is in the features and a probe can learn to trust careful answers.
 */
final class ArithmeticServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received: its path, Authorization header (or null) and JSON body. */
    record Request(String path, String authorization, JsonNode body) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();

    ArithmeticServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/completions", exchange -> answer(exchange, this::completions));
        server.createContext("/v1/embeddings", exchange -> answer(exchange, this::embeddings));
        server.start();
    }

    /** The base URL to hand the client, e.g. {@code http://127.0.0.1:41234/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private interface Handler {
        ObjectNode respond(JsonNode body);
    }

    private void answer(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(new Request(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            byte[] response = handler.respond(body).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, response.length);
            exchange.getResponseBody().write(response);
        }
    }

    private ObjectNode completions(JsonNode body) {
        String[] operands = body.path("prompt").asText().replace("=", "").split("\\+");
        int a = Integer.parseInt(operands[0]);
        int b = Integer.parseInt(operands[1]);
        SplittableRandom rng = new SplittableRandom(body.path("seed").asLong() * 1_000_003L + a * 1000L + b);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode choices = response.putArray("choices");
        for (int i = 0; i < body.path("n").asInt(1); i++) {
            Strategy strategy = List.of(Strategy.CAREFUL, Strategy.QUICK, Strategy.GUESS).get(rng.nextInt(3));
            String text = ArithmeticTask.completion(a, b, strategy);
            if (strategy == Strategy.QUICK && rng.nextBoolean()) {
                text = "Q " + (a + b + 10);
            }
            choices.addObject().put("index", i).put("text", text).put("finish_reason", "stop");
        }
        return response;
    }

    private ObjectNode embeddings(JsonNode body) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode data = response.putArray("data");
        for (int i = 0; i < body.path("input").size(); i++) {
            String text = body.path("input").get(i).asText();
            String answer = text.substring(text.indexOf('=') + 1);
            ArrayNode vector = data.addObject().put("index", i).putArray("embedding");
            for (String style : List.of("C", "Q", "G")) {
                vector.add(answer.startsWith(style) ? 1.0 : 0.0);
            }
            vector.add(text.length() / 10.0);
        }
        return response;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
