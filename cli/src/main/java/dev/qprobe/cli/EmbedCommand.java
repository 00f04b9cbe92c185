package dev.qprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.demo.ConsoleProgress;
import dev.qprobe.io.Npy;
import dev.qprobe.model.hf.HfModel;
import dev.qprobe.model.hf.HiddenStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hidden-state features of texts made elsewhere: one {\"text\": TEXT} per line in, a float32 "
                + ".npy of one row per text out (the whole text is tokenized with the tokenizer's special tokens; "
                + "mean pools over all its tokens)."})
final class EmbedCommand implements Callable<Integer> {
    private static final int CHUNK = 64;

    @Mixin
    HfModelOptions model;

    @Option(names = "--texts", required = true, paramLabel = "FILE.jsonl",
            description = "one {\"text\": TEXT} object per line")
    Path texts;

    @Option(names = "--layer", required = true,
            description = "hidden state: 0 = embeddings, i = block i, negative from the end, -1 = after the final norm")
    int layer;

    @Option(names = "--pool", defaultValue = "last", description = "last or mean (default: ${DEFAULT-VALUE})")
    String pool;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy",
            description = "where the float32 features (one row per text) are written")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> list = new ArrayList<>();
        for (JsonNode row : jsonLines(texts, "text")) {
            list.add(row.get("text").asText());
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(texts + " holds no texts");
        }
        try (HfModel m = model.load()) {
            HiddenStates h = m.hiddenStates(layer, mean(pool));
            ConsoleProgress progress = new ConsoleProgress();
            float[] data = new float[Math.multiplyExact(list.size(), h.dim())];
            for (int from = 0; from < list.size(); from += CHUNK) {
                progress.onProgress("embedding " + list.size() + " texts", from, list.size());
                List<String> chunk = list.subList(from, Math.min(list.size(), from + CHUNK));
                float[][] rows = h.embedTexts(chunk);
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(rows[i], 0, data, (from + i) * h.dim(), h.dim());
                }
            }
            progress.onProgress("embedding " + list.size() + " texts", list.size(), list.size());
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Npy.write(out, FeatureMatrix.wrap(data, list.size(), h.dim(), h.id()));
            System.out.printf(Locale.ROOT, "wrote  %s (%d x %d float32, %s)%n", out, list.size(), h.dim(), h.id());
        }
        return 0;
    }

    static boolean mean(String pool) {
        return switch (pool.toLowerCase(Locale.ROOT)) {
            case "last" -> false;
            case "mean" -> true;
            default -> throw new IllegalArgumentException("--pool must be last or mean, got " + pool);
        };
    }

    /** The JSON objects of a JSON-lines file, each required to hold {@code field}; errors name the line. */
    static List<JsonNode> jsonLines(Path file, String field) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = json.readTree(text);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + line + ": not JSON: " + e.getMessage());
            }
            if (row == null || !row.isObject() || !row.hasNonNull(field) || !row.get(field).isTextual()) {
                throw new IllegalArgumentException(file + " line " + line + ": needs a string field \"" + field + "\"");
            }
            rows.add(row);
        }
        return rows;
    }
}
