package dev.qprobe.eval;

import static dev.qprobe.eval.EvaluationTest.assertMessage;
import static dev.qprobe.eval.EvaluationTest.noisyScores;
import static dev.qprobe.eval.EvaluationTest.randomBinarySet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

class EvaluationResultTest {
    private final SampleSet set = randomBinarySet(12, 8, 20);
    private final EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 2, 4).withBetas(0, 0.1);
    private final EvaluationResult probe = Evaluation.evaluate("mse", set, noisyScores(set, 21), grid);

    @Test
    void tableIsLongFormatWithReferenceRows() {
        Table t = probe.table();
        assertEquals(List.of("method", "k", "beta", "reward", "ci_low", "ci_high", "selection_kl_bound"), t.columnNames());
        assertEquals(List.of(ColumnType.STRING, ColumnType.INTEGER, ColumnType.DOUBLE, ColumnType.DOUBLE,
                ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.DOUBLE), t.types());
        // 3 k x 2 beta probe rows, one base row, 3 oracle rows.
        assertEquals(6 + 1 + 3, t.rowCount());
        Table probeRows = t.where(t.stringColumn("method").isEqualTo("mse"));
        assertEquals(6, probeRows.rowCount());
        assertEquals(0, probeRows.doubleColumn("beta").countMissing());
        Table base = t.where(t.stringColumn("method").isEqualTo("base"));
        assertEquals(1, base.rowCount());
        assertEquals(1, base.intColumn("k").getInt(0));
        assertTrue(base.doubleColumn("beta").isMissing(0));
        assertTrue(base.doubleColumn("selection_kl_bound").isMissing(0));
        assertEquals(probe.base().value(), base.doubleColumn("reward").getDouble(0), 0);
        Table oracle = t.where(t.stringColumn("method").isEqualTo("oracle"));
        assertArrayEquals(new int[] {1, 2, 4}, oracle.intColumn("k").asIntArray());
        assertEquals(3, oracle.doubleColumn("beta").countMissing());
        assertEquals(probe.oracle(4).high(), oracle.doubleColumn("ci_high").getDouble(2), 0);
        // Row for (k = 4, beta = 0.1) matches the accessor.
        Table cell = probeRows.where(probeRows.intColumn("k").isEqualTo(4)
                .and(probeRows.doubleColumn("beta").isEqualTo(0.1)));
        assertEquals(probe.reward(4, 0.1).value(), cell.doubleColumn("reward").getDouble(0), 0);
        assertEquals(probe.selectionKlBound(4, 0.1), cell.doubleColumn("selection_kl_bound").getDouble(0), 0);
    }

    @Test
    void numbersPrintWithThreeDecimalsButKeepTheirValues() throws Exception {
        Table t = probe.table();
        double reward = probe.reward(4, 0.1).value();
        int row = 2 * 2 + 1; // k = 4 (third k), beta = 0.1 (second beta)
        assertEquals(reward, t.doubleColumn("reward").getDouble(row), 0);
        assertEquals(String.format(java.util.Locale.ROOT, "%.3f", reward), t.getString(row, "reward"));
        assertEquals("", t.getString(6, "selection_kl_bound"), "a missing KL (the base row) prints empty");
        java.io.StringWriter csv = new java.io.StringWriter();
        t.write().csv(csv);
        Table back = Table.read().csv(new java.io.StringReader(csv.toString()));
        assertEquals(reward, back.numberColumn("reward").getDouble(row), 0, "the CSV keeps every digit");
    }

    @Test
    void accessorsRejectPointsOffTheGrid() {
        assertMessage(() -> probe.reward(3, 0), "k = 3 is not on the grid [1, 2, 4]");
        assertMessage(() -> probe.reward(2, 1.0), "beta = 1.0 is not on the grid [0.0, 0.1]");
        assertMessage(() -> probe.oracle(8), "k = 8 is not on the grid");
        // -0.0 and 0.0 are the same beta.
        assertEquals(probe.reward(2, 0.0), probe.reward(2, -0.0));
    }

    @Test
    void severalProbesCombineIntoOneTable() {
        EvaluationResult other = Evaluation.evaluate("pg", set, noisyScores(set, 22), grid.withKs(1, 2, 8));
        Table t = EvaluationResult.combine(probe, other);
        assertEquals(6 + 6 + 1 + 4, t.rowCount());
        assertEquals(List.of("mse", "mse", "mse", "mse", "mse", "mse", "pg", "pg", "pg", "pg", "pg", "pg",
                "base", "oracle", "oracle", "oracle", "oracle"), t.stringColumn("method").asList());
        Table oracle = t.where(t.stringColumn("method").isEqualTo("oracle"));
        assertArrayEquals(new int[] {1, 2, 4, 8}, oracle.intColumn("k").asIntArray());
        assertEquals(other.oracle(8).value(), oracle.doubleColumn("reward").getDouble(3), 0);
        assertEquals(t.toString(), EvaluationResult.combine(List.of(probe, other)).toString());
    }

    @Test
    void combineRejectsDuplicateLabelsAndDifferentSets() {
        EvaluationResult same = Evaluation.evaluate("mse", set, noisyScores(set, 23), grid);
        assertMessage(() -> EvaluationResult.combine(probe, same), "two results are labelled 'mse'");
        SampleSet elsewhere = randomBinarySet(12, 8, 99);
        EvaluationResult foreign = Evaluation.evaluate("pg", elsewhere, noisyScores(elsewhere, 1), grid);
        assertNotEquals(probe.base().value(), foreign.base().value());
        assertMessage(() -> EvaluationResult.combine(probe, foreign), "different held-out sets");
        assertMessage(() -> EvaluationResult.combine(List.of()), "no results");
    }

    @Test
    void toStringSummarises() {
        String s = probe.toString();
        assertTrue(s.startsWith("EvaluationResult['mse' on 12 prompts: base "), s);
        assertTrue(s.contains("oracle@4"), s);
        assertTrue(s.contains("best k="), s);
    }

    @Test
    void gridDefaultsAndValidation() {
        EvaluationGrid d = EvaluationGrid.defaults();
        org.junit.jupiter.api.Assertions.assertFalse(d.hasKs(), "k comes from the data");
        assertArrayEquals(new double[] {0, 0.01, 0.1, 1}, d.betas(), 0);
        assertEquals(1, d.repeats());
        assertEquals(1000, d.bootstrapSamples());
        assertEquals(0, d.seed());
        EvaluationGrid g = d.withKs(8, 1, 4).withBetas(1, -0.0).withRepeats(3).withBootstrapSamples(0).withSeed(5);
        assertArrayEquals(new int[] {1, 4, 8}, g.ks());
        assertEquals(0.0, g.betas()[0], 0);
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(g.betas()[0]));
        assertEquals(d.withKs(8, 1, 4).withBetas(1, 0).withRepeats(3).withBootstrapSamples(0).withSeed(5), g);
        assertEquals(g.hashCode(), d.withKs(1, 4, 8).withBetas(0, 1).withRepeats(3)
                .withBootstrapSamples(0).withSeed(5).hashCode());
        // Accessors hand out copies.
        g.ks()[0] = 99;
        assertEquals(1, g.ks()[0]);
        assertMessage(() -> d.withKs(), "at least one k");
        assertMessage(() -> d.withKs(2, 2), "k = 2 is listed twice");
        assertMessage(() -> d.withKs(-1), "k must be >= 1");
        assertMessage(() -> d.withBetas(), "at least one beta");
        assertMessage(() -> d.withBetas(0.1, 0.1), "listed twice");
        assertMessage(() -> d.withRepeats(0), "repeats must be >= 1");
        assertMessage(() -> d.withBootstrapSamples(-1), "bootstrap samples must be >= 0");
        assertThrows(IllegalArgumentException.class, () -> d.withBetas(0, -0.0));
    }

    @Test
    void withoutBootstrapTheIntervalsAreMissing() {
        EvaluationResult r = Evaluation.evaluate("mse", set, noisyScores(set, 21), grid.withBootstrapSamples(0));
        assertEquals(probe.reward(4, 0).value(), r.reward(4, 0).value(), 0);
        Table t = r.table();
        assertEquals(t.rowCount(), t.doubleColumn("ci_low").countMissing());
        assertEquals(t.rowCount(), t.doubleColumn("ci_high").countMissing());
    }

    @Test
    void defaultKsArePowersOfTwoEndingWithTheCandidateCountUpTo48() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1}, EvaluationGrid.ksFor(1));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 3}, EvaluationGrid.ksFor(3));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 4, 8}, EvaluationGrid.ksFor(8));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 48},
                EvaluationGrid.ksFor(48));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 48},
                EvaluationGrid.ksFor(200), "the paper's axis for its 200 samples");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EvaluationGrid.ksFor(0));
    }
}
