package dev.qprobe.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A notebook as {@code jupyter nbconvert --execute} wrote it (nbformat 4): its code cells with
 * their outputs, and the questions a test asks of them.
 */
final class ExecutedNotebook {
    /** Terminal colours, which kernels may put in tracebacks. */
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");

    /** A code cell: where it is among all cells, its source, its execution count (null if it did not run), its outputs. */
    record CodeCell(int index, String source, Integer executionCount, List<JsonObject> outputs) {
    }

    private final Path file;
    private final List<CodeCell> cells;

    private ExecutedNotebook(Path file, List<CodeCell> cells) {
        this.file = file;
        this.cells = cells;
    }

    /** Reads {@code file}, saying which file and what is wrong if it is not an nbformat 4 notebook. */
    static ExecutedNotebook read(Path file) throws IOException {
        JsonObject notebook;
        try {
            notebook = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a notebook's JSON: " + e.getMessage(), e);
        }
        if (!notebook.has("cells") || !notebook.get("cells").isJsonArray()) {
            throw new IOException(file + " has no \"cells\" array");
        }
        List<CodeCell> cells = new ArrayList<>();
        JsonArray all = notebook.getAsJsonArray("cells");
        for (int i = 0; i < all.size(); i++) {
            JsonObject cell = all.get(i).getAsJsonObject();
            if (!"code".equals(cell.get("cell_type").getAsString())) {
                continue;
            }
            JsonElement count = cell.get("execution_count");
            List<JsonObject> outputs = new ArrayList<>();
            if (cell.has("outputs")) {
                cell.getAsJsonArray("outputs").forEach(o -> outputs.add(o.getAsJsonObject()));
            }
            cells.add(new CodeCell(i, text(cell.get("source")), count == null || count.isJsonNull() ? null
                    : count.getAsInt(), outputs));
        }
        return new ExecutedNotebook(file, cells);
    }

    /** nbformat stores multi-line text as a string or as a list of lines. */
    static String text(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return "";
        }
        if (value.isJsonArray()) {
            StringBuilder joined = new StringBuilder();
            value.getAsJsonArray().forEach(line -> joined.append(line.getAsString()));
            return joined.toString();
        }
        return value.getAsString();
    }

    List<CodeCell> codeCells() {
        return cells;
    }

    /** Code cells with code in them that have no execution count: execution stopped before them. */
    List<CodeCell> unexecuted() {
        return cells.stream().filter(c -> !c.source().isBlank() && c.executionCount() == null).toList();
    }

    /** Every error output, each with its cell's source and the traceback, for a failure message; "" if none. */
    String errors() {
        StringBuilder report = new StringBuilder();
        for (CodeCell cell : cells) {
            for (JsonObject output : cell.outputs()) {
                if ("error".equals(output.get("output_type").getAsString())) {
                    report.append("cell ").append(cell.index()).append(" [").append(cell.executionCount())
                            .append("] failed:\n").append(indent(cell.source())).append("\n")
                            .append(indent(ANSI.matcher(traceback(output)).replaceAll(""))).append("\n\n");
                }
            }
        }
        return report.toString();
    }

    private static String traceback(JsonObject error) {
        List<String> lines = new ArrayList<>();
        if (error.has("traceback")) {
            error.getAsJsonArray("traceback").forEach(line -> lines.add(line.getAsString()));
        }
        if (lines.isEmpty()) {
            lines.add(error.get("ename").getAsString() + ": " + error.get("evalue").getAsString());
        }
        return String.join("\n", lines);
    }

    private static String indent(String text) {
        return text.stripTrailing().replaceAll("(?m)^", "    ");
    }

    /** Whether some rich output (execute_result or display_data) has {@code mime} data that {@code matches}. */
    boolean hasOutput(String mime, Predicate<String> matches) {
        for (CodeCell cell : cells) {
            for (JsonObject output : cell.outputs()) {
                if (output.has("data") && output.getAsJsonObject("data").has(mime)
                        && matches.test(text(output.getAsJsonObject("data").get(mime)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Each code cell's outputs by kind and MIME types, e.g. "cell 3 [2]: stream(stdout) execute_result[text/plain]". */
    String outline() {
        StringBuilder outline = new StringBuilder(file.toString()).append(":\n");
        for (CodeCell cell : cells) {
            outline.append("  cell ").append(cell.index()).append(" [").append(cell.executionCount()).append("]:");
            for (JsonObject output : cell.outputs()) {
                String type = output.get("output_type").getAsString();
                outline.append(' ').append(type);
                if (output.has("name")) {
                    outline.append('(').append(output.get("name").getAsString()).append(')');
                }
                if (output.has("data")) {
                    outline.append(output.getAsJsonObject("data").keySet());
                }
            }
            outline.append('\n');
        }
        return outline.toString();
    }
}
