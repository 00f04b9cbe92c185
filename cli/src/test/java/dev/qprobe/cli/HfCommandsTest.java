package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.io.Npy;
import dev.qprobe.model.hf.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qprobe sample -> qprobe train, and qprobe embed, on a tiny checkpoint from the dsl module's test fixtures. */
class HfCommandsTest {
    private static final Path FIXTURES = Path.of("../dsl/src/test/resources/dev/qprobe/model/hf");

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void sampleThenTrainEndToEnd(@TempDir Path tmp) throws Exception {
        System.setProperty("qprobe.cache", tmp.resolve("cache").toString());
        try {
            Path prompts = tmp.resolve("prompts.jsonl");
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                lines.append("{\"prompt_id\": \"p").append(i).append("\", \"prompt\": \"").append(10 + i).append('+')
                        .append(3 * i).append("=\"}\n");
            }
            Files.writeString(prompts, lines);
            Path out = tmp.resolve("out");
            String[] sample = {"sample", "--model", FIXTURES.resolve("qwen2-f32").toString(), "--prompts",
                    prompts.toString(), "--task", "arithmetic", "--k", "4", "--temperature", "1.0", "--top-p", "0.95",
                    "--max-new-tokens", "5", "--stop", "\\n", "--layer", "-2", "--pool", "mean", "--out", out.toString()};
            CliRun first = run(sample);
            assertEquals(0, first.code(), first.err() + first.out());
            List<String> rows = Files.readAllLines(out.resolve("samples.jsonl"));
            assertEquals(32, rows.size());
            JsonNode row = new ObjectMapper().readTree(rows.get(5));
            assertEquals("p1", row.get("prompt_id").asText());
            assertEquals("11+3=", row.get("prompt").asText());
            assertTrue(row.has("completion") && row.has("reward") && row.get("tokens").asInt() >= 1, row.toString());
            FeatureMatrix features = Npy.read(out.resolve("features.npy"));
            assertEquals(32, features.rows());
            assertEquals(48, features.dim());

            // Resumed from the cache: the same files again.
            byte[] samplesBefore = Files.readAllBytes(out.resolve("samples.jsonl"));
            byte[] featuresBefore = Files.readAllBytes(out.resolve("features.npy"));
            assertEquals(0, run(sample).code());
            assertArrayEquals(samplesBefore, Files.readAllBytes(out.resolve("samples.jsonl")));
            assertArrayEquals(featuresBefore, Files.readAllBytes(out.resolve("features.npy")));

            CliRun train = run("train", "--features", out.resolve("features.npy").toString(), "--samples",
                    out.resolve("samples.jsonl").toString(), "--objective", "PG,MSE", "--k-train", "2", "--epochs", "3", "--ks", "1,2,4",
                    "--out", tmp.resolve("trained").toString());
            assertEquals(0, train.code(), train.err() + train.out());
            assertTrue(Files.exists(tmp.resolve("trained/results.csv")));
        } finally {
            System.clearProperty("qprobe.cache");
        }
    }

    /** qprobe embed gives the reference's hidden state for a text (layer 1, last token). */
    @Test
    void embedMatchesTheReference(@TempDir Path tmp) throws Exception {
        Path dir = FIXTURES.resolve("llama-f32");
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        String text = expected.get("texts").get(1).asText();
        Path texts = tmp.resolve("texts.jsonl");
        Files.writeString(texts, new ObjectMapper().createObjectNode().put("text", text) + "\n{\"text\": \"x\"}\n");
        Path out = tmp.resolve("f.npy");
        CliRun r = run("embed", "--model", dir.toString(), "--texts", texts.toString(), "--layer", "-3", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        FeatureMatrix f = Npy.read(out);
        assertEquals(2, f.rows());
        int t = expected.get("inputs").get(1).size();
        SafetensorsFile file = SafetensorsFile.open(dir.resolve("expected.safetensors"));
        SafetensorsFile.Entry entry = file.entries().get("hidden.1.1");
        float[] ref = new float[(int) entry.elements()];
        file.map(entry).asFloatBuffer().get(ref);
        for (int j = 0; j < 32; j++) {
            assertEquals(ref[(t - 1) * 32 + j], f.row(0)[j], 1e-4f, "dimension " + j);
        }
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n");
        CliRun failed = run("embed", "--model", dir.toString(), "--texts", bad.toString(), "--layer", "1", "--out",
                out.toString());
        assertEquals(2, failed.code());
        assertTrue(failed.err().contains("line 2") && failed.err().contains("\"text\""), failed.err());
    }
}
