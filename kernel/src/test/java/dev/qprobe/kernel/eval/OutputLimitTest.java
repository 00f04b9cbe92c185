package dev.qprobe.kernel.eval;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLimitTest {
    @TempDir
    Path dir;

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals(10L << 20, OutputLimit.fromEnvironment(Map.of(), dir).bytes(), "default");
        assertEquals(10L << 20, OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, "10MB"), dir).bytes());
        assertEquals(512L << 10, OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, "512k"), dir).bytes());
        assertEquals(1L << 30, OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, " 1 GiB "), dir).bytes());
        assertEquals(4096, OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, "4096"), dir).bytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, "ten"), dir));
        assertEquals("QPROBE_OUTPUT_LIMIT=ten is not a size: write e.g. 10MB, 512k or 4096", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutputLimit.fromEnvironment(Map.of(OutputLimit.ENV, "0"), dir));
    }

    @Test
    void aSinkShowsUpToTheLimitAndFilesTheWholeStream() throws Exception {
        CellOutputBudget budget = new CellOutputBudget(new OutputLimit(10, dir), 7);
        OutputSink sink = new OutputSink("stdout", null);
        List<String> shown = new ArrayList<>();
        sink.begin(shown::add, null, budget);
        // 'é' is two bytes: the limit falls inside it, so it is not shown at all.
        byte[] text = "abcdefghié and more\n".getBytes(UTF_8);
        sink.write(text, 0, 5);
        sink.write(text, 5, text.length - 5);
        sink.end();
        assertEquals("abcdefghi", String.join("", shown));
        assertEquals("abcdefghi", sink.text());
        assertTrue(budget.exceeded());
        Path file = dir.resolve("cell-7-stdout.txt");
        assertEquals("abcdefghié and more\n", Files.readString(file, UTF_8));
        assertTrue(budget.notice().contains("printed 21 bytes; the first 9 bytes are shown above and 12 bytes were"
                + " not. The whole output is in stdout: " + file), budget.notice());
        new OutputLimit(10, dir).deleteFiles();
        assertFalse(Files.exists(dir));
    }

    @Test
    void bothStreamsShareOneBudget() {
        CellOutputBudget budget = new CellOutputBudget(new OutputLimit(4, dir), 1);
        assertEquals(3, budget.admit("abc"));
        assertEquals(1, budget.admit("de"));
        assertEquals(0, budget.admit("f"));
        assertEquals("6 bytes", OutputLimit.describe(6));
        assertEquals("1.5 KB", OutputLimit.describe(1536));
        assertEquals("50 MB", OutputLimit.describe(50L << 20));
    }
}
