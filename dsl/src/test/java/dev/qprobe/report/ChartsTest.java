package dev.qprobe.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.XYStyler;

class ChartsTest {
    private static final EvaluationGrid GRID = EvaluationGrid.defaults().withBootstrapSamples(200);
    private static final List<Objective> OBJECTIVES = List.of(Objective.MSE, Objective.CE, Objective.PG);

    private static SampleSet train;
    private static SampleSet test;
    private static List<TrainingResult> trained;
    private static List<EvaluationResult> evaluated;

    @BeforeAll
    static void trainProbes() {
        SampleSet.Split split = SyntheticSamples.generate(80, 48, 32, 1.0, 3).splitByPrompt(0.5, 4);
        train = split.train();
        test = split.test();
        Trainer trainer = new Trainer(TrainerConfig.defaults().withEpochs(20));
        trained = new ArrayList<>();
        evaluated = new ArrayList<>();
        for (Objective objective : OBJECTIVES) {
            TrainingResult r = trainer.train(train, ProbeSpec.linear(), objective);
            trained.add(r);
            evaluated.add(Evaluation.evaluate(objective.name(), test, r.probe().scores(test), GRID));
        }
    }

    /** Every factory once, on the fixtures; with the texts a reader must find in each. */
    private static Map<Chart, List<String>> everyChart() {
        List<String> probes = evaluated.stream().map(EvaluationResult::label).toList();
        Map<Chart, List<String>> charts = new LinkedHashMap<>();
        charts.put(Charts.rewardVsK(evaluated, 0.1), concat(probes, "number of candidates k", "log2 scale",
                "expected reward", Charts.BASE_NAME, "oracle"));
        charts.put(Charts.rewardVsBeta(evaluated, 8), concat(probes, "selection temperature beta",
                "evenly spaced", "expected reward", "oracle: best of 8"));
        charts.put(Charts.rewardVsKl(evaluated, 16), concat(probes, "selection KL bound",
                "argmax: bound = log k", "base: uniform choice"));
        charts.put(Charts.rewardVsTrainingPrompts(sweep(), 8, 0.1), List.of("Expected reward vs training prompts",
                "prompts the probe was trained on", "MSE", "PG", "oracle: best of 8"));
        charts.put(Charts.lossCurves(trained), concat(OBJECTIVES.stream().map(Objective::name).toList(),
                "one panel per objective", "epoch", "solid: training, dashed: held-out"));
        charts.put(Charts.lines("Accuracy by layer", "layer index", "accuracy", Map.of("probe",
                List.of(Point.of(26, 0.4), new Point(12, 0.3, 0.25, 0.35)))), List.of("Accuracy by layer",
                "layer index", "accuracy", "probe"));
        Map<String, List<Point>> bySize = new LinkedHashMap<>();
        bySize.put("small model", List.of(Point.of(2, 0.31), Point.of(5, 0.35), Point.of(15, 0.38), Point.of(40, 0.4)));
        bySize.put("large model", List.of(Point.of(2, 0.45), Point.of(40, 0.61)));
        charts.put(Charts.lines("Pass rate by sample budget", "samples per prompt (log scale)", "pass rate", bySize,
                true), List.of("Pass rate by sample budget", "small model", "large model", "pass rate"));
        Map<String, List<Point>> byProbe = new LinkedHashMap<>();
        byProbe.put("PG", List.of(new Point(0, 0.8, 0.7, 0.85), Point.of(1, 0.9), Point.of(2, 0.92)));
        byProbe.put("MSE", List.of(Point.of(2, 0.9), Point.of(0, 0.6)));
        charts.put(Charts.lines("Reward by training prompts", "training prompts (evenly spaced)", "reward (bars: seeds)",
                List.of("10", "100", "400"), byProbe), List.of("Reward by training prompts", "evenly spaced", "PG", "MSE"));
        tech.tablesaw.api.Table table = EvaluationResult.combine(evaluated);
        tech.tablesaw.api.StringColumn setting = tech.tablesaw.api.StringColumn.create("layer", table.rowCount());
        for (int i = 0; i < table.rowCount(); i++) {
            setting.set(i, "-1");
        }
        table.insertColumn(0, setting);
        tech.tablesaw.api.Table other = table.copy();
        for (int i = 0; i < other.rowCount(); i++) {
            other.stringColumn("layer").set(i, "-2");
        }
        charts.put(Charts.sweep(table.append(other), 4, 0.1), concat(probes, "Expected reward vs layer",
                "layer (the sweep's values, evenly spaced)", Charts.BASE_NAME));
        charts.put(Charts.pairedDifferences(comparison(), 0), List.of("Paired difference", "PG - MSE",
                "difference a - b", "no difference"));
        return charts;
    }

    /** Two arms on four prompts, values already averaged over seeds. */
    private static dev.qprobe.eval.CompareResult comparison() {
        EvaluationGrid grid = GRID.withKs(1, 4, 16).withBetas(0);
        double[][][][] values = {
            {{{0.5, 0.4, 0.6, 0.5}}, {{0.8, 0.7, 0.9, 0.8}}, {{0.9, 0.85, 0.95, 0.9}}},
            {{{0.5, 0.4, 0.6, 0.5}}, {{0.7, 0.7, 0.8, 0.7}}, {{0.8, 0.9, 0.9, 0.8}}},
        };
        SampleSet four = test.selectPrompts(new int[] {0, 1, 2, 3});
        return dev.qprobe.eval.CompareResult.ofValues(List.of("PG", "MSE"), grid, 5, values,
                Evaluation.evaluate("ref", four, new double[four.size()], grid));
    }

    /** MSE and PG probes trained on 2 to 40 prompts, evaluated on the shared held-out set. */
    private static List<SweepPoint> sweep() {
        Trainer trainer = new Trainer(TrainerConfig.defaults().withEpochs(10));
        List<SweepPoint> points = new ArrayList<>();
        for (Objective objective : List.of(Objective.MSE, Objective.PG)) {
            for (int n : new int[] {2, 5, 15, 40}) {
                SampleSet subset = train.samplePrompts(n, n);
                float[] scores = trainer.train(subset, ProbeSpec.linear(), objective).probe().scores(test);
                points.add(new SweepPoint(objective.name(), n,
                        Evaluation.evaluate(objective.name() + " n=" + n, test, scores, GRID)));
            }
        }
        return points;
    }

    @Test
    void everyChartRendersNonBlankAtTheRequestedSize() {
        for (Chart chart : everyChart().keySet()) {
            BufferedImage image = chart.image();
            assertEquals(Chart.DEFAULT_WIDTH, image.getWidth(), chart.title());
            assertEquals(Chart.DEFAULT_HEIGHT, image.getHeight(), chart.title());
            assertDrawn(image, chart.title());
            BufferedImage small = chart.withSize(640, 400).image();
            assertEquals(640, small.getWidth());
            assertEquals(400, small.getHeight());
            assertDrawn(small, chart.title());
        }
    }

    private static void assertDrawn(BufferedImage image, String what) {
        assertDrawn(image, what, 20);
    }

    /** At least {@code permille} of the pixels are not white, in more than 20 colours. */
    private static void assertDrawn(BufferedImage image, String what, int permille) {
        int inked = 0;
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colors.add(rgb);
                if (rgb != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        int pixels = image.getWidth() * image.getHeight();
        assertTrue(inked > pixels / 1000 * permille, what + ": only " + inked + " of " + pixels + " pixels drawn");
        // Text, grid, several series colours and their antialiased edges.
        assertTrue(colors.size() > 20, what + ": only " + colors.size() + " colours");
    }

    @Test
    void pngBytesAreAPngOfTheChart() throws IOException {
        for (Chart chart : everyChart().keySet()) {
            byte[] png = chart.withSize(400, 300).png();
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
                    Arrays.copyOf(png, 8), chart.title());
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(400, decoded.getWidth());
            assertEquals(300, decoded.getHeight());
        }
    }

    @Test
    void svgHoldsTitleAxisTitlesAndLegendAsText() {
        everyChart().forEach((chart, texts) -> {
            String svg = chart.svg();
            assertTrue(svg.contains("<svg"), chart.title());
            assertTrue(svg.contains("width=\"800") && svg.contains("height=\"500"), chart.title());
            String readable = unescape(svg);
            assertTrue(readable.contains(chart.title()), "SVG lacks its title " + chart.title());
            for (String text : texts) {
                assertTrue(readable.contains(text), chart.title() + ": SVG lacks '" + text + "'");
            }
        });
    }

    private static String unescape(String xml) {
        return xml.replace("&apos;", "'").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void savesPngAndSvgFiles(@TempDir Path dir) throws IOException {
        Chart chart = Charts.rewardVsK(evaluated, 0);
        Path png = dir.resolve("charts/reward-vs-k.png");
        Path svg = dir.resolve("charts/reward-vs-k.svg");
        chart.savePng(png);
        chart.saveSvg(svg);
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(Chart.DEFAULT_WIDTH, read.getWidth());
        assertTrue(Files.readString(svg, StandardCharsets.UTF_8).contains("<svg"));
        // Saving again replaces the file.
        chart.withSize(300, 200).savePng(png);
        assertEquals(300, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void rewardChartsZoomToTheirDataWithinTheUnitInterval() {
        for (Chart chart : List.of(Charts.rewardVsK(evaluated, 0), Charts.rewardVsBeta(evaluated, 4),
                Charts.rewardVsKl(evaluated, 4), Charts.rewardVsTrainingPrompts(sweep(), 4, 0))) {
            XYChart plot = chart.panels().get(0);
            XYStyler s = plot.getStyler();
            double lowest = Double.POSITIVE_INFINITY;
            double highest = Double.NEGATIVE_INFINITY;
            for (var series : plot.getSeriesMap().values()) {
                for (double y : series.getYData()) {
                    if (!Double.isNaN(y)) {
                        lowest = Math.min(lowest, y);
                        highest = Math.max(highest, y);
                    }
                }
            }
            assertTrue(s.getYAxisMin() >= 0 && s.getYAxisMin() <= lowest, chart.title() + ": " + s.getYAxisMin());
            assertTrue(s.getYAxisMax() <= 1 && s.getYAxisMax() >= highest, chart.title() + ": " + s.getYAxisMax());
            // Zoomed: the margin is a small share of the data's span, not the whole unit interval.
            assertTrue(s.getYAxisMax() - s.getYAxisMin() < 1.2 * (highest - lowest) + 1e-9, chart.title());
        }
        // The generic chart fits its data instead.
        XYStyler s = Charts.lines("t", "x", "y", Map.of("a", List.of(Point.of(1, 0.4), Point.of(2, 0.5))))
                .panels().get(0).getStyler();
        assertTrue(s.getYAxisMin() > 0.3 && s.getYAxisMax() < 0.6);
    }

    @Test
    void rewardVsKDrawsEveryProbeWithIntervalsAndBothReferences() {
        XYChart plot = Charts.rewardVsK(evaluated, 0.1).panels().get(0);
        for (EvaluationResult r : evaluated) {
            assertTrue(plot.getSeriesMap().get(r.label()).isShowInLegend());
            assertTrue(!plot.getSeriesMap().get(r.label() + " [95% CI]").isShowInLegend());
        }
        assertTrue(plot.getSeriesMap().containsKey(Charts.BASE_NAME));
        assertTrue(plot.getSeriesMap().containsKey(Charts.ORACLE_NAME));
        assertTrue(plot.getSeriesMap().containsKey(Charts.BASE_NAME + " [95% CI]"), "the base rate's interval");
        assertTrue(plot.getSeriesMap().containsKey(Charts.ORACLE_NAME + " [95% CI]"), "the oracle's intervals");
        // The probes' points sit side by side around each k, so their bars do not overlap.
        Set<Double> firstX = new HashSet<>();
        for (EvaluationResult r : evaluated) {
            firstX.add(plot.getSeriesMap().get(r.label()).getXData()[0]);
        }
        assertEquals(evaluated.size(), firstX.size(), "each probe at its own offset: " + firstX);
        assertTrue(plot.getYAxisTitle().endsWith("(bars: 95% CI)"));
        // Without bootstrap samples there are no intervals to draw, and the axis title says nothing of them.
        EvaluationResult bare = Evaluation.evaluate("bare", test, trained.get(0).probe().scores(test),
                GRID.withBootstrapSamples(0));
        XYChart noBars = Charts.rewardVsK(List.of(bare), 1).panels().get(0);
        assertTrue(!noBars.getSeriesMap().containsKey("bare [95% CI]"));
        assertTrue(!noBars.getYAxisTitle().contains("CI"));
    }

    @Test
    void lossCurvesGetOnePanelPerObjective() {
        Chart three = Charts.lossCurves(trained);
        assertEquals(3, three.panels().size());
        assertEquals(List.of("MSE", "CE", OBJECTIVES.get(2).name()),
                three.panels().stream().map(XYChart::getTitle).toList());
        // Two runs of one objective share its panel.
        Chart one = Charts.lossCurves(List.of(trained.get(0), trained.get(0)));
        assertEquals(1, one.panels().size());
        assertEquals("Training loss per epoch: MSE", one.title());
        Set<String> names = one.panels().get(0).getSeriesMap().keySet();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("MSE #1")) && names.stream().anyMatch(n -> n.startsWith("MSE #2")),
                names.toString());
        // With held-out samples the held-out loss is drawn too; an unconverged run says so.
        SampleSet.Split parts = train.splitByPrompt(0.25, 1);
        TrainingResult early = new Trainer(TrainerConfig.defaults().withEpochs(5).withLearningRate(1e-4))
                .train(parts.train(), parts.test(), ProbeSpec.linear(), Objective.CE, dev.qprobe.train.TrainingListener.NONE);
        XYChart panel = Charts.lossCurves(List.of(early)).panels().get(0);
        assertTrue(panel.getSeriesMap().containsKey("CE (not converged), held-out"), panel.getSeriesMap().keySet().toString());
        assertTrue(panel.getYAxisTitle().contains("held-out"));
    }

    @Test
    void emptyInputIsRejected() {
        assertMessage(() -> Charts.rewardVsK(List.of(), 0), "no evaluation results");
        assertMessage(() -> Charts.rewardVsBeta(List.of(), 1), "no evaluation results");
        assertMessage(() -> Charts.rewardVsKl(List.of(), 2), "no evaluation results");
        assertMessage(() -> Charts.rewardVsTrainingPrompts(List.of(), 1, 0), "no sweep points");
        Map<String, List<Point>> offGrid = Map.of("PG", List.of(Point.of(0, 0.5), Point.of(3, 0.6)));
        assertMessage(() -> Charts.lines("t", "x", "y", List.of("a", "b", "c"), offGrid),
                "series 'PG' has x = 3, not a category position 0 .. 2");
        assertMessage(() -> Charts.lines("t", "x", "y", List.of("a", "b", "c"), Map.of("PG", List.of(Point.of(0.5, 1)))),
                "x = 0.5, not a category position");
        assertMessage(() -> Charts.lines("t", "x", "y", List.of("a", "a"), offGrid), "distinct and not blank");
        assertMessage(() -> Charts.lines("t", "x", "y", List.of(), offGrid), "at least one category");
        assertMessage(() -> Charts.lossCurves(List.of()), "no training results");
        assertMessage(() -> Charts.lines("t", "x", "y", Map.of()), "no series");
        assertMessage(() -> Charts.lines("t", "x", "y", Map.of("a", List.of())), "series 'a' has no points");
        TrainingResult r = trained.get(0);
        assertMessage(() -> Charts.lossCurves(List.of(new TrainingResult(r.probe(), Objective.MSE, r.config(), r.backend(),
                new double[0], 0))), "a loss curve has at least one epoch");
        assertMessage(() -> Charts.lossCurves(List.of(new TrainingResult(r.probe(), Objective.MSE, r.config(), r.backend(),
                new double[] {1, Double.NaN}, 0))), "the MSE loss is NaN at epoch 2");
    }

    @Test
    void kOrBetaOffSomeGridIsRejectedNamingTheResult() {
        EvaluationResult narrow = Evaluation.evaluate("narrow", test, trained.get(0).probe().scores(test),
                GRID.withKs(1, 2, 4).withBetas(0, 1));
        List<EvaluationResult> both = List.of(evaluated.get(0), narrow);
        assertMessage(() -> Charts.rewardVsK(both, 0.1), "'narrow': beta = 0.1 is not on the grid [0.0, 1.0]");
        assertMessage(() -> Charts.rewardVsBeta(both, 8), "'narrow': k = 8 is not on the grid [1, 2, 4]");
        assertMessage(() -> Charts.rewardVsKl(both, 8), "'narrow': k = 8 is not on the grid");
        assertMessage(() -> Charts.rewardVsKl(evaluated, 1), "needs k >= 2");
        assertMessage(() -> Charts.rewardVsTrainingPrompts(List.of(new SweepPoint("MSE", 5, narrow)), 4, 0.5),
                "'narrow': beta = 0.5 is not on the grid");
        // The grids may differ as long as the requested cell is on each.
        assertEquals(2, Charts.rewardVsK(both, 1).panels().get(0).getSeriesMap().keySet().stream()
                .filter(name -> name.equals("narrow") || name.equals("MSE")).count());
    }

    @Test
    void resultsThatDoNotCompareAreRejected() {
        EvaluationResult twin = Evaluation.evaluate("MSE", test, trained.get(1).probe().scores(test), GRID);
        assertMessage(() -> Charts.rewardVsK(List.of(evaluated.get(0), twin), 0), "two results are labelled 'MSE'");
        SampleSet other = SyntheticSamples.generate(10, 48, 12, 0.7, 99);
        EvaluationResult foreign = Evaluation.evaluate("foreign", other, new double[other.size()], GRID);
        assertMessage(() -> Charts.rewardVsBeta(List.of(evaluated.get(0), foreign), 4), "different held-out sets");
    }

    @Test
    void genericLinesRejectAmbiguousOrUnplottablePoints() {
        assertMessage(() -> Charts.lines("t", "x", "y", Map.of("a", List.of(Point.of(1, 0), Point.of(1, 1)))),
                "series 'a' has two points at x = 1");
        assertMessage(() -> Charts.lines("t", "x", "y", Map.of("a", List.of(Point.of(0, 1))), true),
                "x = 0, which a log axis cannot show");
        assertMessage(() -> new Point(1, 0.5, 0.6, 0.4), "low <= high");
        assertMessage(() -> new Point(1, 0.5, Double.NaN, 0.4), "both interval bounds or neither");
        assertMessage(() -> Point.of(Double.NaN, 1), "finite x and y");
        SweepPoint p = new SweepPoint("MSE", 5, evaluated.get(0));
        assertMessage(() -> Charts.rewardVsTrainingPrompts(List.of(p, p), 1, 0), "series 'MSE' has two points at 5 training prompts");
        assertMessage(() -> new SweepPoint("MSE", 0, evaluated.get(0)), "training prompts must be >= 1");
    }

    @Test
    void singleValueGridsStillRender() {
        EvaluationResult one = Evaluation.evaluate("one", test, trained.get(0).probe().scores(test),
                GRID.withKs(1).withBetas(0.1));
        EvaluationResult lone = Evaluation.evaluate("lone", test, trained.get(0).probe().scores(test),
                GRID.withKs(4).withBetas(0));
        for (Chart chart : List.of(Charts.rewardVsK(List.of(one), 0.1), Charts.rewardVsBeta(List.of(one), 1),
                Charts.rewardVsKl(List.of(lone), 4), Charts.rewardVsTrainingPrompts(List.of(new SweepPoint("MSE", 7, lone)),
                        4, 0), Charts.lines("t", "x", "y", Map.of("a", List.of(Point.of(3, 2)))))) {
            // A lone point on a plot leaves most of it white.
            assertDrawn(chart.image(), chart.title(), 10);
        }
    }

    @Test
    void chartsRenderHeadless() {
        Charts.rewardVsK(evaluated, 0).image();
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    private static void assertMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
