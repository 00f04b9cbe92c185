package dev.qprobe.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleMetadataTest {
    @TempDir
    Path dir;

    /** Texts that break naive CSV and JSON handling. */
    private static final List<String> NASTY = List.of(
            "def f(a, b):\n    return \"a,b\"\n",
            "\"quoted\"",
            "\"",
            "",
            " leading and trailing spaces ",
            "windows\r\nline\r\nendings\r\n",
            "lone\rcarriage return",
            "tab\tand back\\slash and \\\"escaped\\\"",
            "unicode: é ß 中文 🎉 a\u0301 \u2028 \u0000 end",
            "\uFEFFstarts with a BOM",
            "trailing comma,",
            ",\n,\"\n");

    private static SampleSet nastySet() {
        SampleSet.Builder b = SampleSet.builder(1);
        double[] rewards = {0, 1, 0.1, -1e-300, 1e300, -0.0, 0.5, 3, 2.5e-7, 1, 0, 42};
        for (int i = 0; i < NASTY.size(); i++) {
            String text = NASTY.get(i);
            // Prompt ids with commas and quotes too; prompts and completions both nasty.
            b.add(i % 3 == 0 ? "id,\"" + i / 3 : "p" + i / 3, "prompt " + text, text, rewards[i], new float[] {i});
        }
        return b.build();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertSameRows(SampleSet expected, SampleMetadata actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.promptId(i), actual.promptId(i), "prompt id of row " + i);
            assertEquals(expected.prompt(i), actual.prompt(i), "prompt of row " + i);
            assertEquals(expected.completion(i), actual.completion(i), "completion of row " + i);
            assertEquals(Double.doubleToRawLongBits(expected.reward(i)), Double.doubleToRawLongBits(actual.reward(i)),
                    "reward of row " + i);
        }
    }

    /** Reads {@code content} from a file called {@code name}, expecting an error that names the file. */
    private String readError(String name, String content) throws IOException {
        Path f = write(name, content);
        DataFormatException e = assertThrows(DataFormatException.class, () -> SampleMetadata.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    // ---- round trips ----

    @Test
    void csvRoundTripKeepsNastyTextsExactly() throws IOException {
        SampleSet set = nastySet();
        Path f = dir.resolve("meta.csv");
        SampleMetadata.of(set).write(f);
        assertSameRows(set, SampleMetadata.read(f));
    }

    @Test
    void jsonLinesRoundTripKeepsNastyTextsExactly() throws IOException {
        SampleSet set = nastySet();
        for (String name : List.of("meta.jsonl", "meta.json")) {
            Path f = dir.resolve(name);
            SampleMetadata.of(set).write(f);
            assertEquals(set.size(), Files.readAllLines(f).size(), "one line per record");
            assertSameRows(set, SampleMetadata.read(f));
        }
    }

    @Test
    void absentTextsAreLeftOutAndReadBackAsNull() throws IOException {
        SampleSet.Builder b = SampleSet.builder(1);
        b.add("a", 1, new float[] {0});
        b.add("b", 0, new float[] {0});
        SampleSet set = b.build();
        for (String name : List.of("ids.csv", "ids.jsonl")) {
            Path f = dir.resolve(name);
            SampleMetadata.of(set).write(f);
            SampleMetadata back = SampleMetadata.read(f);
            assertSameRows(set, back);
            assertNull(back.prompt(0));
            assertNull(back.completion(1));
        }
        assertEquals("prompt_id,reward\na,1.0\nb,0.0\n", Files.readString(dir.resolve("ids.csv")));
        assertEquals("{\"prompt_id\":\"a\",\"reward\":1.0}\n{\"prompt_id\":\"b\",\"reward\":0.0}\n",
                Files.readString(dir.resolve("ids.jsonl")));
    }

    @Test
    void jsonLinesKeepNullAndEmptyApart() throws IOException {
        SampleSet.Builder b = SampleSet.builder(1);
        b.add("a", null, "", 1, new float[] {0});
        b.add("a", "x", null, 0, new float[] {0});
        SampleSet set = b.build();
        Path f = dir.resolve("m.jsonl");
        SampleMetadata.of(set).write(f);
        assertSameRows(set, SampleMetadata.read(f));
    }

    // ---- files as Python writes them ----

    @Test
    void readsCsvAsPandasAndPythonWriteIt() throws IOException {
        // A BOM, CRLF line endings, an unnamed index column, extra columns, boolean rewards,
        // quoted fields spanning lines, and a blank line at the end.
        String csv = "\uFEFF,prompt_id,completion,reward,model\r\n"
                + "0,7,\"print(\"\"a, b\"\")\r\nx = 1\",True,m\r\n"
                + "1,7,plain,False,m\r\n"
                + "2,8,\"\",0.25,m\r\n"
                + "\r\n";
        SampleMetadata m = SampleMetadata.read(write("pandas.csv", csv));
        assertEquals(3, m.size());
        assertEquals("7", m.promptId(0));
        assertEquals("print(\"a, b\")\r\nx = 1", m.completion(0));
        assertEquals(1.0, m.reward(0));
        assertEquals(0.0, m.reward(1));
        assertEquals("", m.completion(2));
        assertEquals(0.25, m.reward(2));
        assertNull(m.prompt(0), "no prompt column");
    }

    @Test
    void readsJsonLinesAsPythonWritesThem() throws IOException {
        String jsonl = "{\"prompt_id\": 17, \"prompt\": null, \"completion\": \"x\\ny\", \"reward\": 1}\n"
                + "\n"
                + "{\"prompt_id\": \"17\", \"reward\": false, \"extra\": [1, 2]}\r\n"
                + "{\"prompt_id\": 123456789012345678901234567890, \"reward\": 0.5e1}";
        SampleMetadata m = SampleMetadata.read(write("py.jsonl", jsonl));
        assertEquals(3, m.size());
        assertEquals("17", m.promptId(0));
        assertEquals("17", m.promptId(1));
        assertEquals("123456789012345678901234567890", m.promptId(2));
        assertNull(m.prompt(0));
        assertEquals("x\ny", m.completion(0));
        assertNull(m.completion(1));
        assertEquals(1.0, m.reward(0));
        assertEquals(0.0, m.reward(1));
        assertEquals(5.0, m.reward(2));
    }

    @Test
    void readsAJsonArrayOfRecords() throws IOException {
        String json = "[\n  {\"prompt_id\": \"a\", \"reward\": 1},\n  {\"prompt_id\": \"b\", \"reward\": 0}\n]\n";
        SampleMetadata m = SampleMetadata.read(write("records.json", json));
        assertEquals(2, m.size());
        assertEquals("b", m.promptId(1));
        assertContains(readError("bad.json", "[\n{\"prompt_id\": \"a\", \"reward\": 1},\n{\"prompt_id\": \"b\"}\n]"),
                "line 3 (row 1)", "missing field 'reward'");
        assertContains(readError("open.json", "[\n{\"prompt_id\": \"a\", \"reward\": 1},\n"), "malformed JSON");
        assertContains(readError("after.json", "[{\"prompt_id\": \"a\", \"reward\": 1}]\n\n{}"), "line 3",
                "after the JSON array");
    }

    @Test
    void readsManyRows() throws IOException {
        StringBuilder csv = new StringBuilder("prompt_id,reward\n");
        for (int i = 0; i < 5000; i++) {
            csv.append(i / 10).append(',').append(i % 2).append('\n');
        }
        SampleMetadata m = SampleMetadata.read(write("many.csv", csv.toString()));
        assertEquals(5000, m.size());
        assertEquals("499", m.promptId(4999));
        assertEquals(1.0, m.reward(4999));
    }

    // ---- errors ----

    @Test
    void rejectsUnknownExtensions() throws IOException {
        assertContains(readError("meta.txt", "prompt_id,reward\n"), "unknown file type", ".csv, .jsonl or .json");
        Path f = dir.resolve("out.tsv");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> SampleMetadata.of(SampleSet.builder(1).build()).write(f));
        assertTrue(e.getMessage().startsWith(f + ": unknown file type"), e.getMessage());
        assertTrue(Files.notExists(f));
    }

    @Test
    void rejectsMissingColumnsAndFields() throws IOException {
        assertContains(readError("a.csv", "prompt_id,score\nx,1\n"), "line 1", "missing column 'reward'",
                "[prompt_id, score]");
        assertContains(readError("b.csv", "reward\n1\n"), "missing column 'prompt_id'");
        assertContains(readError("c.csv", ""), "empty file");
        assertContains(readError("d.csv", "prompt_id,reward,prompt_id\n"), "column 'prompt_id' appears twice");
        assertContains(readError("e.jsonl", "{\"prompt_id\": \"a\", \"reward\": 1}\n{\"prompt_id\": \"a\"}\n"),
                "line 2 (row 1)", "missing field 'reward'");
        assertContains(readError("f.jsonl", "{\"reward\": 1}\n"), "line 1 (row 0)", "missing field 'prompt_id'");
    }

    @Test
    void rejectsBadRewardsNamingLineAndRow() throws IOException {
        assertContains(readError("a.csv", "prompt_id,reward\nx,1\nx,abc\n"), "line 3 (row 1)",
                "reward 'abc' is not a number");
        assertContains(readError("b.csv", "prompt_id,reward\nx,nan\n"), "line 2 (row 0)", "reward is nan",
                "finite");
        assertContains(readError("c.csv", "prompt_id,reward\nx,-inf\n"), "reward is -inf");
        assertContains(readError("d.csv", "prompt_id,reward\nx,\n"), "line 2 (row 0)", "missing reward");
        assertContains(readError("e.csv", "prompt_id,reward\nx,1f\n"), "reward '1f' is not a number");
        assertContains(readError("f.jsonl", "{\"prompt_id\": \"x\", \"reward\": NaN}\n"), "line 1 (row 0)",
                "reward is NaN");
        assertContains(readError("g.jsonl", "{\"prompt_id\": \"x\", \"reward\": \"1\"}\n"),
                "reward \"1\" is not a number");
        assertContains(readError("h.jsonl", "{\"prompt_id\": \"x\", \"reward\": 1e999}\n"), "reward is Infinity");
    }

    @Test
    void rejectsEmptyOrInvalidPromptIds() throws IOException {
        assertContains(readError("a.csv", "prompt_id,reward\nx,1\n,0\n"), "line 3 (row 1)", "empty prompt_id");
        assertContains(readError("b.jsonl", "{\"prompt_id\": \"\", \"reward\": 1}\n"), "line 1 (row 0)",
                "empty prompt_id");
        assertContains(readError("c.jsonl", "{\"prompt_id\": 1.5, \"reward\": 1}\n"),
                "prompt_id must be a string or an integer, got 1.5");
        assertContains(readError("d.jsonl", "{\"prompt_id\": \"a\", \"prompt\": 3, \"reward\": 1}\n"),
                "prompt must be a string, got 3");
    }

    @Test
    void rejectsMalformedJsonNamingTheLine() throws IOException {
        String jsonl = "{\"prompt_id\": \"a\", \"reward\": 1}\n{\"prompt_id\": \"b\", \"reward\": 0}\n"
                + "{\"prompt_id\": \"c\", \"reward\": }\n";
        assertContains(readError("m.jsonl", jsonl), "malformed JSON at line 3");
        assertContains(readError("n.jsonl", "{\"prompt_id\": \"a\", \"reward\": 1}\n[1, 2]\n"), "line 2",
                "expected a JSON object");
        assertContains(readError("o.jsonl", "{\"prompt_id\": \"a\", \"reward\": 1\n"), "malformed JSON");
    }

    @Test
    void rejectsMalformedCsvNamingTheLine() throws IOException {
        // Line numbers count physical lines, so they stay right after a multi-line field.
        String csv = "prompt_id,completion,reward\na,\"two\nlines\",1\nb,short\n";
        assertContains(readError("a.csv", csv), "line 4 (row 1)", "2 fields, but the header has 3 columns");
        assertContains(readError("b.csv", "prompt_id,completion,reward\na,\"x\",1\nb,\"never closed,1\n"),
                "line 3", "quoted field is never closed");
        assertContains(readError("c.csv", "prompt_id,completion,reward\na,\"x\"y,1\n"), "line 2",
                "unexpected 'y' after a closing quote");
    }
}
