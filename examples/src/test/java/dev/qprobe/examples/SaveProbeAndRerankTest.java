package dev.qprobe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.probe.ProbeFile;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveProbeAndRerankTest {
    private static final Pattern RERANK = Pattern.compile(
            "rerank ([0-9]+)\\+([0-9]+)= +-> \"([^\"]*)\" +reward ([01]) \\((\\d+) of 12 candidates right\\)");

    @Test
    void savesLoadsAndReranksFreshCompletionsOfUnseenPrompts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("probe.json");
        String printed = Console.output(() -> SaveProbeAndRerank.main(new String[] {
                "--train", "12", "--k", "12", "--new", "3", "--probe-file", file.toString(),
                "--cache", dir.resolve("cache").toString()}));

        var saved = ProbeFile.read(file);
        assertEquals(96, saved.dim(), "the built-in model's hidden state");
        assertTrue(saved.provenance().features().contains("hidden(layer=-1"), saved.provenance().toString());
        assertEquals("PG(k=10,T=0.1)", saved.provenance().objective());
        assertEquals(12, saved.provenance().train().prompts());
        assertTrue(printed.contains("scores the test features as the trained probe did: true"), printed);

        Set<String> seen = new HashSet<>();
        ArithmeticTask task = ArithmeticTask.create(12, 1, 1);
        task.trainPrompts().forEach(p -> seen.add(SaveProbeAndRerank.problem(p)));
        task.testPrompts().forEach(p -> seen.add(SaveProbeAndRerank.problem(p)));
        Matcher m = RERANK.matcher(printed);
        int reranked = 0;
        while (m.find()) {
            reranked++;
            Prompt prompt = new Prompt("add-" + m.group(1) + "-" + m.group(2), m.group(1) + "+" + m.group(2) + "=");
            assertFalse(seen.contains(SaveProbeAndRerank.problem(prompt)), "a new prompt: " + prompt);
            // What it reports is what the checker says of the completion it picked.
            assertEquals(task.reward(prompt, m.group(3)), Double.parseDouble(m.group(4)), m.group());
            int right = Integer.parseInt(m.group(5));
            assertTrue(m.group(4).equals("0") || right >= 1, m.group());
        }
        assertEquals(3, reranked, printed);
        assertTrue(printed.contains("on 3 new prompts the probe's pick is right"), printed);
    }
}
