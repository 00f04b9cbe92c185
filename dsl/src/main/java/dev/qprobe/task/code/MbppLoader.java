package dev.qprobe.task.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads MBPP-style JSONL: one problem per line, an object with {@code task_id} (integer),
 * {@code text} and {@code code} (strings), {@code test_list} (a non-empty array of strings), and
 * optionally {@code test_setup_code} (string) and {@code challenge_test_list} (array of strings).
 * Other fields are ignored; blank lines are skipped. A problem's id is its task id as a decimal
 * string ({@code "11"}), so MBPP's own split (ids 11 to 510 for test) can be given to
 * {@link CodeTask#byIds}.
 */
public final class MbppLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MbppLoader() {
    }

    /**
     * The problems in {@code file}, in file order.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException for a malformed line (bad JSON, a missing field, a field of
     *                                  the wrong type) or a repeated task id, naming the file and
     *                                  the line
     */
    public static List<CodeProblem> load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        List<CodeProblem> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + number;
                CodeProblem problem = parse(line, where);
                if (!ids.add(problem.id())) {
                    throw new IllegalArgumentException(where + ": task_id " + problem.id() + " appears twice");
                }
                problems.add(problem);
            }
        }
        return problems;
    }

    /**
     * Runs each problem's reference solution against its own tests, and returns the problems
     * whose reference does not pass, by id, with the sandbox's result. Problems without a
     * reference are skipped. Empty when every reference passes.
     */
    public static Map<String, PythonSandbox.Result> verify(List<CodeProblem> problems, PythonSandbox sandbox) {
        List<CodeProblem> checked = new ArrayList<>();
        List<PythonSandbox.Job> jobs = new ArrayList<>();
        for (CodeProblem p : problems) {
            if (!p.reference().isBlank()) {
                checked.add(p);
                jobs.add(new PythonSandbox.Job(p.reference(), p.setup(), p.tests()));
            }
        }
        List<PythonSandbox.Result> results = sandbox.runAll(jobs);
        Map<String, PythonSandbox.Result> failures = new LinkedHashMap<>();
        for (int i = 0; i < checked.size(); i++) {
            if (!results.get(i).passed()) {
                failures.put(checked.get(i).id(), results.get(i));
            }
        }
        return failures;
    }

    private static CodeProblem parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        JsonNode id = required(node, "task_id", where);
        if (!id.isIntegralNumber() || !id.canConvertToLong()) {
            throw new IllegalArgumentException(where + ": task_id must be an integer, got " + id);
        }
        String text = string(required(node, "text", where), "text", where);
        String code = string(required(node, "code", where), "code", where);
        List<String> tests = strings(required(node, "test_list", where), "test_list", where);
        if (tests.isEmpty()) {
            throw new IllegalArgumentException(where + ": test_list is empty");
        }
        String setup = node.has("test_setup_code") && !node.get("test_setup_code").isNull()
                ? string(node.get("test_setup_code"), "test_setup_code", where) : "";
        List<String> challenge = node.has("challenge_test_list") && !node.get("challenge_test_list").isNull()
                ? strings(node.get("challenge_test_list"), "challenge_test_list", where) : List.of();
        try {
            return new CodeProblem(Long.toString(id.asLong()), text, tests, setup, code, challenge);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": missing field \"" + field + "\"");
        }
        return value;
    }

    private static String string(JsonNode value, String field, String where) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(where + ": " + field + " must be a string, got "
                    + type(value));
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode value, String field, String where) {
        if (!value.isArray()) {
            throw new IllegalArgumentException(where + ": " + field + " must be an array of strings, got "
                    + type(value));
        }
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual()) {
                throw new IllegalArgumentException(where + ": " + field + "[" + i + "] must be a string, got "
                        + type(item));
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String type(JsonNode value) {
        return value.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
