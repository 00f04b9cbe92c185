package dev.qprobe.report;

import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.train.TrainingResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts of evaluation and training results, for notebooks and reports. Every factory returns a
 * {@link Chart} of {@value Chart#DEFAULT_WIDTH} x {@value Chart#DEFAULT_HEIGHT} pixels (change it
 * with {@link Chart#withSize}) with a title, axis titles that say what is measured, a legend and
 * a marker on every measured point.
 *
 * <p>Conventions shared by the reward charts:
 * <ul>
 *   <li>the y axis spans exactly [0, 1] whenever every plotted value and interval lies in it
 *       (0/1 rewards), so charts of different runs compare at a glance; otherwise it is fitted
 *       to the data with a margin;</li>
 *   <li>each probe is a solid coloured line with its own marker shape; 95% bootstrap intervals,
 *       when the evaluation computed them, are vertical bars in the probe's colour (the y axis
 *       title says so);</li>
 *   <li>references are dashed: grey for the base rate (the mean reward of pi0's samples, what
 *       picking one sample at random gets), black for the oracle best-of-k (pass@k for 0/1
 *       rewards), the ceiling for any selector of one sample out of k.</li>
 * </ul>
 * Results drawn together must come from the same held-out set and have distinct labels (the
 * check of {@link EvaluationResult#combine(List)}); a k or beta must be on every result's grid.
 * Violations throw {@link IllegalArgumentException} naming the offending result.
 */
public final class Charts {
    static {
        Chart.useHeadlessUnlessSet();
    }

    /** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x8C564B), new Color(0x7F7F00),
    };
    /** A second cue next to colour, so lines stay apart in greyscale print. */
    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL,
    };
    private static final Color BASE_COLOR = new Color(0x808080);
    private static final Color ORACLE_COLOR = Color.BLACK;
    private static final Color GUIDE_COLOR = new Color(0xB0B0B0);
    private static final BasicStroke SOLID = new BasicStroke(2f);
    private static final BasicStroke DASHED =
            new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
    private static final BasicStroke DOTTED =
            new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f);
    private static final BasicStroke BAR = new BasicStroke(1.4f);

    static final String BASE_NAME = "base: mean reward of pi0";
    static final String ORACLE_NAME = "oracle: best of k (pass@k)";
    private static final String REWARD_TITLE = "expected reward of the selected sample";
    private static final String INTERVAL_NOTE = " (bars: 95% CI)";

    private Charts() {
    }

    /**
     * Expected reward against the number of candidates k, at one temperature: one line per probe
     * over its grid's k values, the base rate as a dashed horizontal line and the oracle
     * best-of-k as a dashed line. The x axis is log2(k), ticked at powers of two, since the grid's
     * k values roughly double.
     *
     * @param beta the selection temperature to show (0 = argmax); must be on every result's grid
     * @throws IllegalArgumentException on no results, results that do not compare (see the class
     *                                  comment), or a beta missing from some result's grid
     */
    public static Chart rewardVsK(List<EvaluationResult> results, double beta) {
        List<EvaluationResult> rs = comparable(results);
        Plot plot = new Plot("Expected reward vs number of candidates k (" + betaText(beta) + ")",
                "k: candidates the probe chooses from (log2 scale)", REWARD_TITLE);
        TreeSet<Integer> allKs = new TreeSet<>();
        for (EvaluationResult r : rs) {
            int[] ks = r.grid().ks();
            List<Point> points = new ArrayList<>();
            for (int k : ks) {
                allKs.add(k);
                points.add(Point.of(log2(k), at(r, () -> r.reward(k, beta))));
            }
            plot.probe(r.label(), points);
        }
        double xMin = log2(allKs.first()) - 0.3;
        double xMax = log2(allKs.last()) + 0.3;
        plot.reference(BASE_NAME, List.of(Point.of(xMin, rs.get(0).base().value()),
                Point.of(xMax, rs.get(0).base().value())), BASE_COLOR, SeriesMarkers.NONE);
        List<Point> oracle = new ArrayList<>();
        for (int k : allKs) {
            // combine() checked the results share a held-out set, so any result with this k will do.
            EvaluationResult r = rs.stream().filter(x -> Arrays.stream(x.grid().ks()).anyMatch(kk -> kk == k))
                    .findFirst().orElseThrow();
            oracle.add(Point.of(log2(k), r.oracle(k).value()));
        }
        plot.reference(ORACLE_NAME, oracle, ORACLE_COLOR, SeriesMarkers.CROSS);
        // Ticks fall on whole log2 values (powers of two) unless the chart is very wide; every
        // label is the k at its position, so the axis stays truthful either way.
        plot.xTicks(x -> number(round(Math.pow(2, x), 1)));
        return plot.finish(xMin, xMax, plot.yRange(true));
    }

    /**
     * Expected reward against the selection temperature beta, at one k: one line per probe, with
     * the base rate and the oracle at this k as dashed lines. The betas (the union of the
     * results' grids) sit evenly spaced in ascending order, as categories, because 0 (argmax)
     * has no place on a log scale; the axis title says so, and the ticks read "0 (argmax)" and
     * "inf (uniform)" for the two limits.
     *
     * @param k the chunk size to show; must be on every result's grid
     * @throws IllegalArgumentException on no results, results that do not compare, or a k missing
     *                                  from some result's grid
     */
    public static Chart rewardVsBeta(List<EvaluationResult> results, int k) {
        List<EvaluationResult> rs = comparable(results);
        TreeSet<Double> union = new TreeSet<>();
        for (EvaluationResult r : rs) {
            at(r, () -> r.oracle(k)); // checks k before anything is drawn
            for (double b : r.grid().betas()) {
                union.add(b);
            }
        }
        List<Double> betas = new ArrayList<>(union);
        Plot plot = new Plot("Expected reward vs selection temperature beta (k = " + k + ")",
                "beta: softmax temperature (grid values, evenly spaced; 0 = argmax)", REWARD_TITLE);
        double[] xRange = plot.categories(betas.stream().map(Charts::betaTick).toList());
        for (EvaluationResult r : rs) {
            List<Point> points = new ArrayList<>();
            for (double b : r.grid().betas()) {
                points.add(Point.of(betas.indexOf(b), r.reward(k, b)));
            }
            plot.probe(r.label(), points);
        }
        double[] ends = plot.categoryEnds();
        double base = rs.get(0).base().value();
        double oracle = rs.get(0).oracle(k).value();
        plot.reference(BASE_NAME, List.of(Point.of(ends[0], base), Point.of(ends[1], base)), BASE_COLOR,
                SeriesMarkers.NONE);
        plot.reference(ORACLE_NAME.replace("best of k", "best of " + k),
                List.of(Point.of(ends[0], oracle), Point.of(ends[1], oracle)), ORACLE_COLOR, SeriesMarkers.NONE);
        return plot.finish(xRange[0], xRange[1], plot.yRange(true));
    }

    /**
     * The reward-KL frontier at one k: for each probe, its expected reward against the mean
     * KL(selection || uniform) in nats, one point per beta of its grid joined in order of
     * decreasing beta, which is increasing KL (the x axis title lists the betas in that order:
     * labels at every point would pile up where probes agree). Uniform choice (beta = inf) sits at KL = 0 and earns
     * the base rate, drawn as a grey point there; argmax reaches KL = log k, drawn as a dotted
     * vertical line; the oracle at this k is a dashed horizontal line.
     *
     * @param k the chunk size to show (&gt;= 2: at k = 1 every selection is uniform, so KL is 0)
     * @throws IllegalArgumentException on no results, results that do not compare, k = 1, or a k
     *                                  missing from some result's grid
     */
    public static Chart rewardVsKl(List<EvaluationResult> results, int k) {
        List<EvaluationResult> rs = comparable(results);
        if (k < 2) {
            throw new IllegalArgumentException("the reward-KL frontier needs k >= 2: with k = " + k
                    + " there is one candidate, so every selection has KL 0");
        }
        TreeSet<Double> union = new TreeSet<>();
        for (EvaluationResult r : rs) {
            at(r, () -> r.oracle(k));
            for (double b : r.grid().betas()) {
                union.add(b);
            }
        }
        List<String> order = union.descendingSet().stream().map(Charts::betaTick).toList();
        Plot plot = new Plot("Reward vs KL from uniform selection (k = " + k + ")",
                "KL(selection || uniform) in nats; along each line beta = " + String.join(", ", order),
                REWARD_TITLE);
        double maxKl = Math.log(k);
        for (EvaluationResult r : rs) {
            double[] betas = r.grid().betas();
            List<Point> points = new ArrayList<>();
            for (int i = betas.length - 1; i >= 0; i--) {
                Point p = Point.of(r.kl(k, betas[i]), r.reward(k, betas[i]));
                points.add(p);
                maxKl = Math.max(maxKl, p.x());
            }
            plot.probe(r.label(), points);
        }
        double xMin = -0.04 * maxKl;
        double xMax = 1.08 * maxKl;
        plot.reference("base: uniform choice (KL = 0)", List.of(Point.of(0, rs.get(0).base().value())),
                BASE_COLOR, SeriesMarkers.CIRCLE);
        double oracle = rs.get(0).oracle(k).value();
        plot.reference(ORACLE_NAME.replace("best of k", "best of " + k),
                List.of(Point.of(xMin, oracle), Point.of(xMax, oracle)), ORACLE_COLOR, SeriesMarkers.NONE);
        double[] yRange = plot.yRange(true);
        XYSeries guide = plot.chart.addSeries("argmax: KL = log k = " + number(round(Math.log(k), 3)),
                new double[] {Math.log(k), Math.log(k)}, new double[] {yRange[0], yRange[1]});
        style(guide, GUIDE_COLOR, SeriesMarkers.NONE, DOTTED);
        return plot.finish(xMin, xMax, yRange);
    }

    /**
     * Expected reward at one (k, beta) against the number of training prompts, for a data-limited
     * sweep: one line per {@link SweepPoint#series()} (usually an objective) with its intervals,
     * plus the base rate and the oracle at k as dashed lines. The sweep's prompt counts sit
     * evenly spaced in ascending order and are ticked with their values (sweeps usually grow
     * geometrically, so this reads like a log axis with a tick on every run); the axis title
     * says so.
     *
     * @throws IllegalArgumentException on no points, two points of one series at the same prompt
     *                                  count (average seeds first, or give each its own series), or
     *                                  a (k, beta) missing from some point's grid
     */
    public static Chart rewardVsTrainingPrompts(List<SweepPoint> points, int k, double beta) {
        Objects.requireNonNull(points, "points");
        if (points.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no sweep points");
        }
        Map<String, List<Point>> series = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        // The held-out set is shared by the sweep, so base and oracle are usually flat; drawing
        // their mean at each prompt count shows it honestly if they are not.
        TreeMap<Integer, double[]> references = new TreeMap<>(); // prompts -> base sum, oracle sum, count
        for (SweepPoint p : points) {
            EvaluationResult r = p.result();
            Estimate y = at(r, () -> r.reward(k, beta));
            if (!seen.add(p.series() + "\u0000" + p.trainingPrompts())) {
                throw new IllegalArgumentException("series '" + p.series() + "' has two points at "
                        + p.trainingPrompts() + " training prompts; average them first, or give each its own series");
            }
            series.computeIfAbsent(p.series(), s -> new ArrayList<>()).add(Point.of(p.trainingPrompts(), y));
            double[] sums = references.computeIfAbsent(p.trainingPrompts(), n -> new double[3]);
            sums[0] += r.base().value();
            sums[1] += r.oracle(k).value();
            sums[2]++;
        }
        List<Integer> counts = new ArrayList<>(references.keySet());
        Plot plot = new Plot("Expected reward vs training prompts (k = " + k + ", " + betaText(beta) + ")",
                "prompts the probe was trained on (the sweep's values, evenly spaced)", REWARD_TITLE);
        double[] xRange = plot.categories(counts.stream().map(String::valueOf).toList());
        Map<String, List<Point>> placed = new LinkedHashMap<>();
        series.forEach((name, ps) -> placed.put(name, ps.stream()
                .map(p -> new Point(counts.indexOf((int) p.x()), p.y(), p.low(), p.high())).toList()));
        plot.lines(placed, false);
        List<Point> base = new ArrayList<>();
        List<Point> oracle = new ArrayList<>();
        references.forEach((n, sums) -> {
            base.add(Point.of(counts.indexOf(n), sums[0] / sums[2]));
            oracle.add(Point.of(counts.indexOf(n), sums[1] / sums[2]));
        });
        plot.reference(BASE_NAME, base, BASE_COLOR, SeriesMarkers.NONE);
        plot.reference(ORACLE_NAME.replace("best of k", "best of " + k), oracle, ORACLE_COLOR, SeriesMarkers.NONE);
        return plot.finish(xRange[0], xRange[1], plot.yRange(true));
    }

    /**
     * A generic line chart: one line per entry of {@code series} (legend in the map's order, so
     * pass a {@link LinkedHashMap} to choose it), points joined in order of x, intervals drawn
     * as bars; say in {@code yLabel} what the bars are. The y axis is fitted to the values and
     * intervals with a margin. Meant for results this class has no helper for, such as sweeps
     * over other settings.
     *
     * @param logX a logarithmic x axis (every x must then be &gt; 0)
     * @throws IllegalArgumentException on no series, an empty series, two points of one series at
     *                                  the same x, or x &lt;= 0 on a log axis
     */
    public static Chart lines(String title, String xLabel, String yLabel, Map<String, List<Point>> series,
                              boolean logX) {
        Plot plot = new Plot(title, xLabel, yLabel);
        plot.intervalNote = ""; // the caller's intervals need not be 95% CIs
        double[] xRange = plot.lines(series, logX);
        return plot.finish(xRange[0], xRange[1], plot.yRange(false));
    }

    /** {@link #lines(String, String, String, Map, boolean)} on a linear x axis. */
    public static Chart lines(String title, String xLabel, String yLabel, Map<String, List<Point>> series) {
        return lines(title, xLabel, yLabel, series, false);
    }

    /**
     * A line chart over named settings evenly spaced along x, such as a sweep's values
     * ("10", "25", "100", "400" training prompts, or "linear", "mlp(16)"): each point's x is the
     * position of its setting in {@code categories}, which label the ticks. Otherwise as
     * {@link #lines(String, String, String, Map, boolean)}; say in {@code yLabel} what the bars are.
     *
     * @throws IllegalArgumentException on no categories, a blank or repeated one, no series, an
     *                                  empty series, two points of one series at the same x, or an
     *                                  x that is not a position 0 .. categories - 1
     */
    public static Chart lines(String title, String xLabel, String yLabel, List<String> categories,
                              Map<String, List<Point>> series) {
        Objects.requireNonNull(categories, "categories");
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("name at least one category for the x axis");
        }
        Set<String> seen = new HashSet<>();
        for (String c : categories) {
            if (c == null || c.isBlank() || !seen.add(c)) {
                throw new IllegalArgumentException("categories must be distinct and not blank, got " + categories);
            }
        }
        Objects.requireNonNull(series, "series");
        series.forEach((name, points) -> {
            for (Point p : Objects.requireNonNull(points, name)) {
                if (p.x() != Math.rint(p.x()) || p.x() < 0 || p.x() >= categories.size()) {
                    throw new IllegalArgumentException("series '" + name + "' has x = " + number(p.x())
                            + ", not a category position 0 .. " + (categories.size() - 1));
                }
            }
        });
        Plot plot = new Plot(title, xLabel, yLabel);
        plot.intervalNote = "";
        double[] xRange = plot.categories(categories);
        plot.lines(series, false);
        return plot.finish(xRange[0], xRange[1], plot.yRange(false));
    }

    /**
     * The charts of one experiment, by file name: reward vs k under argmax, reward vs beta and
     * the reward-vs-KL frontier at the largest k (when the grid has several betas, and k > 1),
     * and the training loss curves.
     */
    public static Map<String, Chart> overview(List<EvaluationResult> results, List<TrainingResult> training) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no results to chart");
        }
        int[] ks = results.get(0).grid().ks();
        int maxK = ks[ks.length - 1];
        Map<String, Chart> charts = new LinkedHashMap<>();
        charts.put("reward-vs-k", rewardVsK(results, 0));
        if (results.get(0).grid().betas().length > 1) {
            charts.put("reward-vs-beta", rewardVsBeta(results, maxK));
        }
        if (maxK > 1) {
            charts.put("reward-vs-kl", rewardVsKl(results, maxK));
        }
        charts.put("loss", lossCurves(training));
        return charts;
    }

    /** Writes every chart as NAME.png and NAME.svg into {@code directory}. */
    public static void saveAll(Map<String, Chart> charts, Path directory) throws IOException {
        for (Map.Entry<String, Chart> c : charts.entrySet()) {
            c.getValue().savePng(directory.resolve(c.getKey() + ".png"));
            c.getValue().saveSvg(directory.resolve(c.getKey() + ".svg"));
        }
    }

    /**
     * Training loss per epoch, one panel per objective. Objectives measure loss on different
     * scales (cross-entropy starts near 0.69, policy gradient is a negative expected reward), so
     * each panel has its own y axis in the objective's own units rather than one shared,
     * rescaled axis. Several results with the same objective share a panel, as runs #1, #2, ...
     * in the order given. The first point of a curve is the loss before any update.
     *
     * @throws IllegalArgumentException on no results, or a loss curve that is empty or not finite
     */
    public static Chart lossCurves(List<TrainingResult> results) {
        Objects.requireNonNull(results, "results");
        if (results.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no training results");
        }
        Map<String, List<TrainingResult>> byObjective = new LinkedHashMap<>();
        for (TrainingResult r : results) {
            double[] curve = Objects.requireNonNull(r, "training result").lossCurve();
            if (curve.length == 0) {
                throw new IllegalArgumentException("the " + r.objective().name() + " result has an empty loss curve");
            }
            for (int e = 0; e < curve.length; e++) {
                if (!Double.isFinite(curve[e])) {
                    throw new IllegalArgumentException("the " + r.objective().name() + " loss is " + curve[e]
                            + " at epoch " + (e + 1) + " (did training diverge?)");
                }
            }
            byObjective.computeIfAbsent(r.objective().name(), o -> new ArrayList<>()).add(r);
        }
        boolean single = byObjective.size() == 1;
        String title = single
                ? "Training loss per epoch: " + byObjective.keySet().iterator().next()
                : "Training loss per epoch, one panel per objective (each has its own loss scale)";
        List<XYChart> panels = new ArrayList<>();
        for (Map.Entry<String, List<TrainingResult>> entry : byObjective.entrySet()) {
            List<TrainingResult> runs = entry.getValue();
            Plot plot = new Plot(single ? title : entry.getKey(), "epoch (loss measured before its updates)",
                    "mean training loss");
            plot.chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            int epochs = runs.stream().mapToInt(r -> r.lossCurve().length).max().orElseThrow();
            double[] xRange = plot.ticksAt(1, epochs, i -> String.valueOf(i + 1));
            for (int i = 0; i < runs.size(); i++) {
                double[] curve = runs.get(i).lossCurve();
                List<Point> points = new ArrayList<>();
                for (int e = 0; e < curve.length; e++) {
                    points.add(Point.of(e + 1, curve[e]));
                }
                plot.probe(runs.size() == 1 ? entry.getKey() : entry.getKey() + " #" + (i + 1), points);
            }
            plot.finish(xRange[0], xRange[1], plot.yRange(false));
            panels.add(plot.chart);
        }
        int columns = (int) Math.ceil(Math.sqrt(panels.size()));
        return new Chart(title, panels, columns, Chart.DEFAULT_WIDTH, Chart.DEFAULT_HEIGHT);
    }

    /** Checks the results can share a chart: present, distinct labels, one held-out set. */
    private static List<EvaluationResult> comparable(List<EvaluationResult> results) {
        Objects.requireNonNull(results, "results");
        if (results.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: no evaluation results");
        }
        List<EvaluationResult> rs = List.copyOf(results);
        // combine() holds the rules for comparing results; the table itself is not needed.
        EvaluationResult.combine(rs);
        return rs;
    }

    /** Reads a grid cell of one result, naming the result when the cell is not on its grid. */
    private static <T> T at(EvaluationResult result, Supplier<T> cell) {
        try {
            return cell.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + result.label() + "': " + e.getMessage(), e);
        }
    }

    private static String betaText(double beta) {
        if (beta == 0) {
            return "beta = 0, argmax";
        }
        return Double.isInfinite(beta) ? "beta = inf, uniform" : "beta = " + number(beta);
    }

    private static String betaTick(double beta) {
        if (beta == 0) {
            return "0 (argmax)";
        }
        return Double.isInfinite(beta) ? "inf (uniform)" : number(beta);
    }

    /** Shortest plain decimal: 0.01, 1, 48 (never 1.0E-2 or 48.0). */
    static String number(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.rint(v * scale) / scale;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static void style(XYSeries s, Color color, Marker marker, BasicStroke stroke) {
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(stroke);
    }

    /** One XChart plot under construction, with the values it has seen for fitting the y axis. */
    private static final class Plot {
        final XYChart chart;
        private final List<Double> values = new ArrayList<>();
        private boolean intervals;
        private int lines;
        private int categories;
        /** Appended to the y axis title when a line has intervals. */
        String intervalNote = INTERVAL_NOTE;

        Plot(String title, String xTitle, String yTitle) {
            chart = new XYChart(Chart.DEFAULT_WIDTH, Chart.DEFAULT_HEIGHT);
            chart.setTitle(Objects.requireNonNull(title, "title"));
            chart.setXAxisTitle(Objects.requireNonNull(xTitle, "x axis title"));
            chart.setYAxisTitle(Objects.requireNonNull(yTitle, "y axis title"));
            XYStyler s = chart.getStyler();
            s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setChartBackgroundColor(Color.WHITE);
            s.setPlotBackgroundColor(Color.WHITE);
            s.setPlotBorderColor(Color.DARK_GRAY);
            s.setPlotGridLinesColor(new Color(0xE4E4E4));
            s.setChartTitleFont(Chart.TITLE_FONT);
            s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            // Outside the plot, so the legend never hides a line.
            s.setLegendPosition(Styler.LegendPosition.OutsideE);
            s.setLegendBorderColor(Color.LIGHT_GRAY);
            s.setMarkerSize(7);
            s.setAntiAlias(true);
        }

        /** A measured line: the next colour and marker, intervals as bars. */
        void probe(String name, List<Point> points) {
            Color color = PALETTE[lines % PALETTE.length];
            Marker marker = MARKERS[lines % MARKERS.length];
            lines++;
            style(add(name, points), color, marker, SOLID);
            // One series draws all bars: NaN between two bars lifts the pen.
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Point p : points) {
                if (p.hasInterval()) {
                    x.addAll(List.of(p.x(), p.x(), p.x()));
                    y.addAll(List.of(p.low(), p.high(), Double.NaN));
                    values.add(p.low());
                    values.add(p.high());
                }
            }
            if (!x.isEmpty()) {
                intervals = true;
                XYSeries bars = chart.addSeries(name + " [95% CI]", x, y);
                style(bars, color, SeriesMarkers.NONE, BAR);
                bars.setShowInLegend(false);
            }
        }

        /** A dashed reference line. */
        void reference(String name, List<Point> points, Color color, Marker marker) {
            style(add(name, points), color, marker, DASHED);
        }

        private XYSeries add(String name, List<Point> points) {
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i).x();
                y[i] = points.get(i).y();
                values.add(y[i]);
            }
            return chart.addSeries(name, x, y);
        }

        /** Adds validated user series in x order and returns the padded x range. */
        double[] lines(Map<String, List<Point>> series, boolean logX) {
            Objects.requireNonNull(series, "series");
            if (series.isEmpty()) {
                throw new IllegalArgumentException("nothing to plot: no series");
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
                String name = Objects.requireNonNull(entry.getKey(), "series name");
                List<Point> points = new ArrayList<>(Objects.requireNonNull(entry.getValue(), name));
                if (points.isEmpty()) {
                    throw new IllegalArgumentException("series '" + name + "' has no points");
                }
                points.sort(Comparator.comparingDouble(Point::x));
                for (int i = 0; i < points.size(); i++) {
                    double x = points.get(i).x();
                    if (i > 0 && x == points.get(i - 1).x()) {
                        throw new IllegalArgumentException("series '" + name + "' has two points at x = "
                                + number(x) + "; average them first, or give each its own series");
                    }
                    if (logX && x <= 0) {
                        throw new IllegalArgumentException("series '" + name + "' has x = " + number(x)
                                + ", which a log axis cannot show");
                    }
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                probe(name, points);
            }
            if (logX) {
                chart.getStyler().setXAxisLogarithmic(true);
                // Decade-only ticks would leave a sweep from 3 to 30 with a single label.
                chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
                double pad = Math.pow(10, 0.05 * Math.max(Math.log10(max / min), 1));
                return new double[] {min / pad, max * pad};
            }
            double pad = max > min ? 0.05 * (max - min) : Math.max(0.5, 0.1 * Math.abs(min));
            return new double[] {min - pad, max + pad};
        }

        /**
         * Makes the x axis categorical: positions 0..n-1, ticked with {@code labels}. Call before
         * adding series; every later x must be one of the positions. Returns the x range.
         */
        double[] categories(List<String> labels) {
            categories = labels.size();
            return ticksAt(0, labels.size(), labels::get);
        }

        /** The first and last category position, where reference lines start and end. */
        double[] categoryEnds() {
            return new double[] {0, categories - 1};
        }

        /**
         * Ticks exactly at x = first, first + 1, ..., first + n - 1, labelled by {@code label}
         * (given the offset from first), and returns the x range, one step wider on each side.
         * Call before adding series; every later x must be one of these positions.
         */
        double[] ticksAt(double first, int n, IntFunction<String> label) {
            // With a tick formatter, XChart ticks the series' x values (unique, in the order the
            // series were added) when those, between the axis minimum and maximum, are evenly
            // spaced. An invisible first series fixes that order, and the range adds one step at
            // each end. The end ticks get distinct blank labels: XChart gives up on ticks whose
            // labels repeat, and on an axis whose two ends format alike.
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = first + i;
                y[i] = Double.NaN;
            }
            XYSeries ticks = chart.addSeries(" ticks", x, y);
            style(ticks, Color.WHITE, SeriesMarkers.NONE, SOLID);
            ticks.setShowInLegend(false);
            double min = first - 1;
            double max = first + n;
            xTicks(v -> {
                if (v == min) {
                    return " "; // XChart cannot lay out an empty label
                }
                if (v == max) {
                    return "  ";
                }
                long i = Math.round(v - first);
                return Math.abs(v - first - i) < 1e-9 && i >= 0 && i < n ? label.apply((int) i) : number(v);
            });
            return new double[] {min, max};
        }

        void xTicks(DoubleFunction<String> label) {
            chart.getStyler().setxAxisTickLabelsFormattingFunction(label::apply);
        }

        /**
         * The y range: exactly [0, 1] when {@code unit} and every value lies in it, else the
         * values' range with a 6% margin (or a unit margin around a constant).
         */
        double[] yRange(boolean unit) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (unit && min >= 0 && max <= 1) {
                return new double[] {0, 1};
            }
            double pad = max > min ? 0.06 * (max - min) : Math.max(0.5, 0.1 * Math.abs(min));
            return new double[] {min - pad, max + pad};
        }

        Chart finish(double xMin, double xMax, double[] yRange) {
            XYStyler s = chart.getStyler();
            s.setXAxisMin(xMin);
            s.setXAxisMax(xMax);
            s.setYAxisMin(yRange[0]);
            s.setYAxisMax(yRange[1]);
            if (intervals) {
                chart.setYAxisTitle(chart.getYAxisTitle() + intervalNote);
            }
            return new Chart(chart.getTitle(), List.of(chart), 1, Chart.DEFAULT_WIDTH, Chart.DEFAULT_HEIGHT);
        }
    }
}
