package dev.qprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qprobe.collect.SampleCollector;
import dev.qprobe.data.SampleSet;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.openai.OpenAiEndpoint;
import dev.qprobe.model.openai.OpenAiSampler;
import dev.qprobe.model.text.MiniLmEmbedder;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.task.code.CodeProblem;
import dev.qprobe.task.code.CodeTask;
import dev.qprobe.task.code.PythonSandbox;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's API setting end to end: completions from an OpenAI-compatible endpoint (a server in
 * this test, answering with scripted code), features from the bundled MiniLM, rewards from
 * running the code against unit tests in the sandbox, a PG probe, and selection on held-out
 * problems.
 */
class ApiPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** "Write add_N": a right answer about a third of the time, otherwise a wrong or broken one. */
    private static List<CodeProblem> problems() {
        List<CodeProblem> problems = new ArrayList<>();
        for (int n = 1; n <= 40; n++) {
            problems.add(new CodeProblem("add-" + n, "Write a function add_" + n + "(x) that returns x plus " + n + ".",
                    List.of("assert add_" + n + "(1) == " + (1 + n), "assert add_" + n + "(-3) == " + (n - 3))));
        }
        return problems;
    }

    private static String completion(int n, SplittableRandom rng) {
        double u = rng.nextDouble();
        if (u < 0.35) {
            return "def add_" + n + "(x):\n    \"\"\"Add " + n + " to x and return the sum.\"\"\"\n    return x + " + n;
        }
        if (u < 0.7) {
            return "def add_" + n + "(x):\n    \"\"\"Subtract " + n + " from x and return the difference.\"\"\"\n"
                    + "    return x - " + n;
        }
        if (u < 0.85) {
            return "def add_" + n + "(x):\n    \"\"\"Multiply x by " + n + ".\"\"\"\n    return x * " + n;
        }
        return "def add_" + n + "(x):\n    \"\"\"Loop until done.\"\"\"\n    while True:\n        pass";
    }

    /** A /v1/completions server following the documented schema, allowing at most 4 choices per request. */
    private static HttpServer server(AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/completions", exchange -> {
            requests.incrementAndGet();
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int n = body.path("n").asInt(1);
            if (n > 4) {
                reply(exchange, 400, "{\"error\":{\"message\":\"n must be <= 4\"}}");
                return;
            }
            String prompt = body.path("prompt").asText();
            int which = Integer.parseInt(prompt.replaceAll("(?s).*add_(\\d+).*", "$1"));
            SplittableRandom rng = new SplittableRandom(prompt.hashCode() * 31L + body.path("seed").asLong());
            ObjectNode response = JSON.createObjectNode();
            ArrayNode choices = response.putArray("choices");
            for (int i = 0; i < n; i++) {
                choices.addObject().put("index", i).put("text", completion(which, rng)).put("finish_reason", "stop");
            }
            response.putObject("usage").put("completion_tokens", 20 * n);
            reply(exchange, 200, response.toString());
        });
        server.start();
        return server;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void endpointSamplesMiniLmFeaturesCodeRewardAndAPgProbe(@TempDir Path cache) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = server(requests);
        try {
            OpenAiEndpoint endpoint = OpenAiEndpoint.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                    "scripted-coder").withMaxNPerRequest(8).withBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
            PythonSandbox sandbox = PythonSandbox.builder().timeout(Duration.ofSeconds(2)).build();
            CodeTask task = CodeTask.seededSplit("add-n", problems(), 0.3, 5, sandbox);
            SamplingConfig sampling = new SamplingConfig(8, 0.8, 0.95, 128, List.of(), 3);
            SampleCollector collector = new SampleCollector(new OpenAiSampler(endpoint), new MiniLmEmbedder(), sampling, cache)
                    .withConcurrency(4);
            SampleSet train = collector.collect(task, task.trainPrompts());
            SampleSet test = collector.collect(task, task.testPrompts());
            assertEquals(12 * 8, test.size());
            assertEquals(384, test.dim());

            var trained = new Trainer(TrainerConfig.defaults().withLearningRate(1e-2))
                    .train(train, ProbeSpec.linear(), Objective.pg(4, 1.0));
            EvaluationResult result = Evaluation.evaluate("PG", test, trained.probe().scores(test),
                    EvaluationGrid.defaults().withKs(1, 8).withBetas(0));
            double base = result.base().value();
            double probe = result.reward(8, 0).value();
            assertTrue(base > 0.15 && base < 0.6, "a third of the scripted answers are right: base " + base);
            assertTrue(probe > base + 0.3 && probe >= 0.8 * result.oracle(8).value(),
                    "PG at k = 8: " + probe + " vs base " + base + ", oracle " + result.oracle(8).value());

            // Everything was cached: a second run asks the endpoint nothing.
            int asked = requests.get();
            collector.collect(task, task.testPrompts());
            assertEquals(asked, requests.get());
        } finally {
            server.stop(0);
        }
    }
}
