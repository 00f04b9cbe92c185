package dev.qprobe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class QuickStartTest {

    @Test
    void runsTheChainOnTheBuiltinModelAndPrintsTheTable(@TempDir Path cache, @TempDir Path out) throws Exception {
        String printed = Console.output(() -> QuickStart.main(new String[] {
                "--train", "12", "--test", "6", "--k", "12", "--cache", cache.toString(), "--out", out.toString()}));

        assertTrue(printed.startsWith("Results[6 test prompts"), printed);
        for (String row : new String[] {"PG(k=10,T=0.1)", "MSE", "base", "oracle"}) {
            assertTrue(printed.contains(" " + row + "  |"), "the table has " + row + " rows:\n" + printed);
        }
        // The saved table is the printed one: 2 probes x k 1, 2, 4, 8, 12 x beta 0, 0.1, the base, 5 oracle rows.
        Table table = Table.read().csv(out.resolve("results.csv").toFile());
        assertEquals(2 * 5 * 2 + 1 + 5, table.rowCount());
        for (int i = 0; i < table.rowCount(); i++) {
            double reward = table.numberColumn("reward").getDouble(i);
            assertTrue(reward >= 0 && reward <= 1, "a 0/1 reward averages in [0, 1]: " + reward);
            assertTrue(printed.contains(table.getString(i, "method")), "row " + i + " was printed");
        }
        assertTrue(Files.size(out.resolve("reward-vs-k.png")) > 1000);
        try (var probes = Files.list(out.resolve("probes"))) {
            assertEquals(2, probes.count(), "one saved probe per objective");
        }
        try (var cached = Files.walk(cache)) {
            assertTrue(cached.anyMatch(Files::isRegularFile), "samples are cached where --cache says");
        }
    }

    @Test
    void aMistypedOptionFailsWithTheUsage() {
        var e = assertThrows(IllegalArgumentException.class, () -> QuickStart.main(new String[] {"--trian", "5"}));
        assertTrue(e.getMessage().contains("unknown option --trian") && e.getMessage().contains("usage: QuickStart"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuickStart.main(new String[] {"--k", "0"}));
        assertTrue(e.getMessage().contains("--k must be at least 1"), e.getMessage());
    }
}
