package dev.qprobe.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The README's main job, run as a user would, checked for its printed summary and its CSV. */
class DemoTest {

    @Test
    void syntheticDemoPrintsTheSummaryAndWritesTheResultsTable(@TempDir Path out) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Demo.main(new String[] {"--synthetic", out.toString()});
        } finally {
            System.setOut(original);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        for (String expected : List.of("oracle (pass@k)", "base (k = 1)", "PG(k=8,beta=1)", "MSE", "CE", "PAIRWISE")) {
            assertTrue(printed.contains(expected), "missing '" + expected + "' in:\n" + printed);
        }
        Table table = Table.read().csv(out.resolve("results.csv").toFile());
        assertEquals(List.of("method", "k", "beta", "reward", "ci_low", "ci_high", "kl"), table.columnNames());
        // 4 objectives x 7 k x 4 beta, one base row, 7 oracle rows.
        assertEquals(4 * 7 * 4 + 1 + 7, table.rowCount());
        // The science, not just the plumbing: every probe's argmax at k = 16 beats the base rate.
        double base = table.where(table.stringColumn("method").isEqualTo("base")).doubleColumn("reward").get(0);
        Table argmax16 = table.where(table.intColumn("k").isEqualTo(16).and(table.doubleColumn("beta").isEqualTo(0)));
        assertEquals(4, argmax16.rowCount());
        for (double reward : argmax16.doubleColumn("reward")) {
            assertTrue(reward > base + 0.3, "reward " + reward + " vs base " + base);
        }
    }
}
