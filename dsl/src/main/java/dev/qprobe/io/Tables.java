package dev.qprobe.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The small record files that go with a feature array, as CSV (RFC 4180) or JSON lines, read into
 * {@link Row}s that know their line for error messages. Shared by sample metadata and preference pairs.
 */
final class Tables {
    /**
     * Python's json module writes NaN by default; accepting the token lets us report "reward is
     * NaN" instead of a parse error.
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    /** A plain decimal number; stricter than Double.parseDouble, which also takes "1f" and hex. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private Tables() {
    }

    /** The two file formats, chosen by file extension. */
    enum Format {
        CSV, JSON_LINES;

        /**
         * {@code .csv} is CSV; {@code .jsonl}, {@code .ndjson} and {@code .json} are JSON lines (a
         * {@code .json} file holding one array of objects is read too).
         */
        static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return CSV;
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return JSON_LINES;
            }
            throw new DataFormatException(file + ": unknown file type: expected a .csv, .jsonl or .json file");
        }
    }

    /** Receives each record read; may throw (via {@link Row#fail}) to reject it. */
    interface RowHandler {
        void accept(Row row);
    }

    /**
     * Reads every record of {@code file}, in order, checking first (for CSV, from the header) that
     * the {@code required} fields are present.
     */
    static void read(Path file, List<String> required, RowHandler handler) throws IOException {
        Format format = Format.of(file);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (format == Format.CSV) {
                readCsv(file.toString(), in, required, handler);
            } else {
                readJson(file.toString(), in, required, handler);
            }
        }
    }

    private static void readCsv(String src, Reader in, List<String> required, RowHandler handler) throws IOException {
        CsvReader csv = new CsvReader(src, in);
        List<String> header = csv.next();
        if (header == null) {
            throw new DataFormatException(src + ": empty file: expected a header line with columns " + required);
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            if (!name.isEmpty() && columns.put(name, i) != null) {
                throw new DataFormatException(src + ": line 1: column '" + name + "' appears twice");
            }
        }
        for (String name : required) {
            if (!columns.containsKey(name)) {
                throw new DataFormatException(src + ": line 1: missing column '" + name + "' (the header has "
                        + header + ")");
            }
        }
        int index = 0;
        for (List<String> cells = csv.next(); cells != null; cells = csv.next()) {
            if (cells.size() == 1 && cells.get(0).isEmpty()) {
                continue; // a blank line
            }
            Row row = new CsvRow(src, csv.recordLine(), index++, columns, cells);
            if (cells.size() != header.size()) {
                throw row.fail(cells.size() + " fields, but the header has " + header.size() + " columns");
            }
            handler.accept(row);
        }
    }

    /**
     * Reads JSON objects one after another (JSON lines) or, if the file starts with '[', one array
     * of them. A leading UTF-8 byte order mark is skipped, as in CSV (Windows editors write one).
     */
    private static void readJson(String src, Reader in, List<String> required, RowHandler handler) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        int index = 0;
        try (JsonParser parser = JSON.createParser(in)) {
            JsonToken token = parser.nextToken();
            boolean array = token == JsonToken.START_ARRAY;
            if (array) {
                token = parser.nextToken();
            }
            while (token != null && !(array && token == JsonToken.END_ARRAY)) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw new DataFormatException(src + ": line " + line + ": expected a JSON object {...}, found "
                            + parser.getText());
                }
                JsonNode node = JSON.readTree(parser);
                Row row = new JsonRow(src, line, index++, (ObjectNode) node);
                for (String name : required) {
                    if (node.get(name) == null || node.get(name).isNull()) {
                        throw row.fail("missing field '" + name + "'");
                    }
                }
                handler.accept(row);
                token = parser.nextToken();
            }
            if (array && parser.nextToken() != null) {
                throw new DataFormatException(src + ": line " + parser.currentTokenLocation().getLineNr()
                        + ": unexpected content after the JSON array");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new DataFormatException(src + ": malformed JSON at line " + (at == null ? "?" : at.getLineNr())
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Supplies the cell of a row and column for writing: a String, a Number or null (no value). */
    interface Cells {
        Object get(int row, String column);
    }

    /** Writes {@code rows} records with the given columns to {@code out} in {@code format}. */
    static void write(Path out, Format format, List<String> columns, int rows, Cells cells) throws IOException {
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
             BufferedWriter w = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16)) {
            writeRecords(w, format, columns, rows, cells);
            w.flush();
            channel.force(false); // on disk before any rename into place
        }
    }

    private static void writeRecords(Writer w, Format format, List<String> columns, int rows, Cells cells)
            throws IOException {
        if (format == Format.CSV) {
            writeCsvRecord(w, columns);
            List<String> record = new ArrayList<>(columns.size());
            for (int r = 0; r < rows; r++) {
                record.clear();
                for (String column : columns) {
                    Object value = cells.get(r, column);
                    record.add(value == null ? "" : value.toString());
                }
                writeCsvRecord(w, record);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                ObjectNode node = JSON.createObjectNode();
                for (String column : columns) {
                    Object value = cells.get(r, column);
                    if (value instanceof String s) {
                        node.put(column, s);
                    } else if (value instanceof Double d) {
                        node.put(column, d);
                    } else if (value instanceof Integer i) {
                        node.put(column, i);
                    } else if (value != null) {
                        throw new IllegalArgumentException("cannot write " + value.getClass());
                    }
                }
                w.write(JSON.writeValueAsString(node));
                w.write('\n');
            }
        }
    }

    /** One CSV line; fields with a separator, quote or line break are quoted, quotes doubled (RFC 4180). */
    private static void writeCsvRecord(Writer w, List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i);
            if (i > 0) {
                w.write(',');
            }
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                w.write('"');
                w.write(f.replace("\"", "\"\""));
                w.write('"');
            } else {
                w.write(f);
            }
        }
        w.write('\n');
    }

    /**
     * One record with typed access to its fields. Every problem is reported through {@link #fail},
     * which names the file, the line and the 0-based row (the matching feature row).
     */
    abstract static class Row {
        private final String src;
        private final int line;
        private final int index;

        Row(String src, int line, int index) {
            this.src = src;
            this.line = line;
            this.index = index;
        }

        /** The 0-based data row: the feature row this record describes. */
        int index() {
            return index;
        }

        /** An exception for a problem with this record. */
        DataFormatException fail(String problem) {
            return new DataFormatException(src + ": line " + line + " (row " + index + "): " + problem);
        }

        /** A required non-empty identifier; JSON may give it as an integer. */
        abstract String id(String field);

        /** Optional text: null when the column or field is absent (or JSON null). */
        abstract String text(String field);

        /** A required finite number; true/false count as 1/0 (Python writes boolean rewards so). */
        abstract double number(String field);

        /** A required non-negative integer, such as a row index. */
        abstract int nonNegativeInt(String field);

        final double finite(String field, double value) {
            if (!Double.isFinite(value)) {
                throw fail(field + " is " + value + " (must be a finite number)");
            }
            return value;
        }
    }

    private static final class CsvRow extends Row {
        private final Map<String, Integer> columns;
        private final List<String> cells;

        CsvRow(String src, int line, int index, Map<String, Integer> columns, List<String> cells) {
            super(src, line, index);
            this.columns = columns;
            this.cells = cells;
        }

        @Override
        String text(String field) {
            Integer column = columns.get(field);
            return column == null ? null : cells.get(column);
        }

        @Override
        String id(String field) {
            String value = text(field);
            if (value == null || value.isBlank()) {
                throw fail("empty " + field);
            }
            return value;
        }

        @Override
        double number(String field) {
            String value = text(field);
            String s = value == null ? "" : value.strip();
            if (s.isEmpty()) {
                throw fail("missing " + field);
            }
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return s.equalsIgnoreCase("true") ? 1 : 0;
            }
            if (NON_FINITE.matcher(s).matches()) {
                throw fail(field + " is " + s + " (must be a finite number)");
            }
            if (!DECIMAL.matcher(s).matches()) {
                throw fail(field + " '" + abbreviate(s) + "' is not a number");
            }
            return finite(field, Double.parseDouble(s));
        }

        @Override
        int nonNegativeInt(String field) {
            String s = id(field).strip();
            try {
                int value = Integer.parseInt(s);
                if (value >= 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw fail(field + " '" + abbreviate(s) + "' is not a non-negative integer");
        }
    }

    private static final class JsonRow extends Row {
        private final ObjectNode node;

        JsonRow(String src, int line, int index, ObjectNode node) {
            super(src, line, index);
            this.node = node;
        }

        @Override
        String text(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw fail(field + " must be a string, got " + abbreviate(value.toString()));
            }
            return value.textValue();
        }

        @Override
        String id(String field) {
            JsonNode value = node.get(field);
            String id;
            if (value != null && value.isIntegralNumber()) {
                id = value.bigIntegerValue().toString();
            } else if (value == null || value.isNull() || value.isTextual()) {
                id = text(field);
            } else {
                throw fail(field + " must be a string or an integer, got " + abbreviate(value.toString()));
            }
            if (id == null || id.isBlank()) {
                throw fail("empty " + field);
            }
            return id;
        }

        @Override
        double number(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw fail("missing " + field);
            }
            if (value.isBoolean()) {
                return value.booleanValue() ? 1 : 0;
            }
            if (!value.isNumber()) {
                throw fail(field + " " + abbreviate(value.toString()) + " is not a number");
            }
            return finite(field, value.doubleValue());
        }

        @Override
        int nonNegativeInt(String field) {
            JsonNode value = node.get(field);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw fail(field + " " + (value == null ? "is missing" : abbreviate(value.toString())
                        + " is not a non-negative integer"));
            }
            return value.intValue();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
