package dev.qprobe.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    @Test
    void aLogGetsOneLinePerTenthWithRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int done = 0; done <= 200; done++) {
            progress.onProgress("sampling 48 x 200 prompts", done, 200);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length, String.join("\n", lines));
        assertEquals("sampling 48 x 200 prompts: 0/200", lines[0]);
        assertTrue(lines[5].matches("sampling 48 x 200 prompts: 100/200 \\(50%\\), [0-9.]+/s, ETA [0-9]+ s"), lines[5]);
        assertTrue(lines[10].endsWith("ETA done"), lines[10]);
    }
}
