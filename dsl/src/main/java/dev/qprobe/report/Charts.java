package dev.qprobe.report;

import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Charts of evaluation and training results, for notebooks and reports. Every factory returns a
 * {@link Chart} of {@value Chart#DEFAULT_WIDTH} x {@value Chart#DEFAULT_HEIGHT} pixels (change it
 * with {@link Chart#withSize}) with a title, axis titles that say what is measured, a legend and
 * a marker on every measured point.
 *
 * <p>Conventions shared by the reward charts:
 * <ul>
 *   <li>the y axis is zoomed to the data: every line, interval and reference with a small
 *       margin, never beyond [0, 1] for rewards in it;</li>
 *   <li>each probe is a solid coloured line with its own marker shape; 95% bootstrap intervals,
 *       when the evaluation computed them, are vertical bars in the probe's colour (the y axis
 *       title says so), and the probes' points are shifted slightly apart along x so their bars
 *       do not cover each other;</li>
 *   <li>references are dashed, with their 95% intervals: grey for the base rate (the mean reward
 *       of pi0's samples, what picking one sample at random gets; interval as dotted lines),
 *       black for the oracle best-of-k (pass@k for 0/1 rewards), the ceiling for any selector of
 *       one sample out of k (interval as thin bars).</li>
 * </ul>
 * Results drawn together must come from the same held-out set and have distinct labels (the
 * check of {@link EvaluationResult#combine(List)}); a k or beta must be on every result's grid.
 * Violations throw {@link IllegalArgumentException} naming the offending result.
 */
public final class Charts {
    static {
        Chart.useHeadlessUnlessSet();
    }


    static final String BASE_NAME = "base: mean reward of pi0";
    static final String ORACLE_NAME = "oracle: best of k (pass@k)";
    private static final String REWARD_TITLE = "expected reward of the selected sample";

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
        plot.dodge(rs.size(), 0.05);
        for (EvaluationResult r : rs) {
            int[] ks = r.grid().ks();
            List<Point> points = new ArrayList<>();
            for (int k : ks) {
                allKs.add(k);
                points.add(Point.of(Plot.log2(k), at(r, () -> r.reward(k, beta))));
            }
            plot.probe(r.label(), points);
        }
        double xMin = Plot.log2(allKs.first()) - 0.3;
        double xMax = Plot.log2(allKs.last()) + 0.3;
        plot.band(BASE_NAME, xMin, xMax, rs.get(0).base(), Plot.BASE_COLOR);
        List<Point> oracle = new ArrayList<>();
        for (int k : allKs) {
            // combine() checked the results share a held-out set, so any result with this k will do.
            EvaluationResult r = rs.stream().filter(x -> Arrays.stream(x.grid().ks()).anyMatch(kk -> kk == k))
                    .findFirst().orElseThrow();
            oracle.add(Point.of(Plot.log2(k), r.oracle(k)));
        }
        plot.reference(ORACLE_NAME, oracle, Plot.ORACLE_COLOR, SeriesMarkers.CROSS);
        // Ticks fall on whole log2 values (powers of two) unless the chart is very wide; every
        // label is the k at its position, so the axis stays truthful either way.
        plot.xTicks(x -> Plot.number(Plot.round(Math.pow(2, x), 1)));
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
        plot.dodge(rs.size(), 0.06);
        for (EvaluationResult r : rs) {
            List<Point> points = new ArrayList<>();
            for (double b : r.grid().betas()) {
                points.add(Point.of(betas.indexOf(b), r.reward(k, b)));
            }
            plot.probe(r.label(), points);
        }
        double[] ends = plot.categoryEnds();
        plot.band(BASE_NAME, ends[0], ends[1], rs.get(0).base(), Plot.BASE_COLOR);
        plot.band(ORACLE_NAME.replace("best of k", "best of " + k), ends[0], ends[1], rs.get(0).oracle(k),
                Plot.ORACLE_COLOR);
        return plot.finish(xRange[0], xRange[1], plot.yRange(true));
    }

    /**
     * The reward-KL frontier at one k: for each probe, its expected reward against the selection
     * KL bound (the mean KL(selection || uniform over the k indices) in nats, an upper bound on the
     * true KL(pi_k || pi0)), one point per beta of its grid joined in order of decreasing beta,
     * which is increasing KL (the x axis title lists the betas in that order: labels at every point
     * would pile up where probes agree). Uniform choice (beta = inf) sits at 0 and earns the base
     * rate, drawn as a grey point there; when a grid has beta = 0, argmax's bound is log k (less
     * only with tied scores), drawn as a dotted vertical line; the oracle at this k is a dashed
     * horizontal line.
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
        Plot plot = new Plot("Reward vs selection KL bound (k = " + k + ")",
                "selection KL bound, KL(selection || uniform over k) in nats; along each line beta = "
                        + String.join(", ", order),
                REWARD_TITLE);
        double maxKl = Math.log(k);
        for (EvaluationResult r : rs) {
            double[] betas = r.grid().betas();
            List<Point> points = new ArrayList<>();
            for (int i = betas.length - 1; i >= 0; i--) {
                Point p = Point.of(r.selectionKlBound(k, betas[i]), r.reward(k, betas[i]));
                points.add(p);
                maxKl = Math.max(maxKl, p.x());
            }
            plot.probe(r.label(), points);
        }
        double xMin = -0.04 * maxKl;
        double xMax = 1.08 * maxKl;
        plot.reference("base: uniform choice (bound = 0)", List.of(Point.of(0, rs.get(0).base().value())),
                Plot.BASE_COLOR, SeriesMarkers.CIRCLE);
        plot.band(ORACLE_NAME.replace("best of k", "best of " + k), xMin, xMax, rs.get(0).oracle(k),
                Plot.ORACLE_COLOR);
        double[] yRange = plot.yRange(true);
        if (union.contains(0.0)) {  // only argmax points lie on it
            XYSeries guide = plot.chart.addSeries("argmax: bound = log k = " + Plot.number(Plot.round(Math.log(k), 3)),
                    new double[] {Math.log(k), Math.log(k)}, new double[] {yRange[0], yRange[1]});
            Plot.style(guide, Plot.GUIDE_COLOR, SeriesMarkers.NONE, Plot.DOTTED);
        }
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
        plot.dodge(placed.size(), 0.06);
        plot.lines(placed, false);
        List<Point> base = new ArrayList<>();
        List<Point> oracle = new ArrayList<>();
        references.forEach((n, sums) -> {
            base.add(Point.of(counts.indexOf(n), sums[0] / sums[2]));
            oracle.add(Point.of(counts.indexOf(n), sums[1] / sums[2]));
        });
        plot.reference(BASE_NAME, base, Plot.BASE_COLOR, SeriesMarkers.NONE);
        plot.reference(ORACLE_NAME.replace("best of k", "best of " + k), oracle, Plot.ORACLE_COLOR, SeriesMarkers.NONE);
        return plot.finish(xRange[0], xRange[1], plot.yRange(true));
    }

    /**
     * A sweep's table ({@code Sweep.over(...)}) in one call: expected reward at one (k, beta)
     * against the swept parameter (its values evenly spaced in the table's order), one line per
     * method with its 95% intervals, and the base rate and the oracle at k with theirs. The first
     * column names the parameter.
     *
     * @throws IllegalArgumentException when the table lacks the columns of an evaluation table, or
     *                                  has no row of some method at (k, beta)
     */
    public static Chart sweep(tech.tablesaw.api.Table sweep, int k, double beta) {
        Objects.requireNonNull(sweep, "sweep");
        for (String c : List.of("method", "k", "beta", "reward", "ci_low", "ci_high")) {
            if (!sweep.columnNames().contains(c)) {
                throw new IllegalArgumentException("not a sweep table: no column '" + c + "' in " + sweep.columnNames());
            }
        }
        String parameter = sweep.column(0).name();
        List<String> values = new ArrayList<>();
        Map<String, List<Point>> series = new LinkedHashMap<>();
        List<Point> base = new ArrayList<>();
        List<Point> oracle = new ArrayList<>();
        for (int i = 0; i < sweep.rowCount(); i++) {
            String value = sweep.getString(i, parameter);
            if (!values.contains(value)) {
                values.add(value);
            }
            int x = values.indexOf(value);
            String method = sweep.getString(i, "method");
            int rowK = sweep.intColumn("k").getInt(i);
            double rowBeta = sweep.doubleColumn("beta").getDouble(i);
            Point p = new Point(x, sweep.doubleColumn("reward").getDouble(i), sweep.doubleColumn("ci_low").getDouble(i),
                    sweep.doubleColumn("ci_high").getDouble(i));
            if (method.equals(EvaluationResult.BASE)) {
                base.add(p);
            } else if (method.equals(EvaluationResult.ORACLE)) {
                if (rowK == k) {
                    oracle.add(p);
                }
            } else if (rowK == k && rowBeta == beta) {
                series.computeIfAbsent(method, m -> new ArrayList<>()).add(p);
            }
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("the sweep has no method rows at k = " + k + ", beta = " + beta);
        }
        Plot plot = new Plot("Expected reward vs " + parameter + " (k = " + k + ", " + betaText(beta) + ")",
                parameter + " (the sweep's values, evenly spaced)", REWARD_TITLE);
        double[] xRange = plot.categories(values);
        plot.dodge(series.size(), 0.06);
        plot.lines(series, false);
        plot.reference(BASE_NAME, base, Plot.BASE_COLOR, SeriesMarkers.NONE);
        plot.reference(ORACLE_NAME.replace("best of k", "best of " + k), oracle, Plot.ORACLE_COLOR, SeriesMarkers.NONE);
        return plot.finish(xRange[0], xRange[1], plot.yRange(true));
    }

    /**
     * Paired differences between probes against k, at one beta: one line per pair (a - b) with
     * its 95% bootstrap interval over prompts, and a dashed line at 0; a bar that does not cross
     * it is a difference the data show.
     *
     * @throws IllegalArgumentException when beta is not on the comparison's grid
     */
    public static Chart pairedDifferences(dev.qprobe.eval.CompareResult result, double beta) {
        Objects.requireNonNull(result, "result");
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (dev.qprobe.eval.PairedDifference d : result.differences(beta)) {
            series.computeIfAbsent(d.a() + " - " + d.b(), n -> new ArrayList<>())
                    .add(Point.of(Plot.log2(d.k()), d.difference()));
        }
        Plot plot = new Plot("Paired difference in expected reward (" + betaText(beta) + ", " + result.seeds()
                + " seeds)", "k: candidates the probe chooses from (log2 scale)", "difference a - b, same test chunks");
        plot.dodge(series.size(), 0.05);
        double[] xRange = plot.lines(series, false);
        plot.reference("no difference", List.of(Point.of(xRange[0], 0), Point.of(xRange[1], 0)), Plot.BASE_COLOR,
                SeriesMarkers.NONE);
        plot.xTicks(x -> Plot.number(Plot.round(Math.pow(2, x), 1)));
        return plot.finish(xRange[0], xRange[1], plot.yRange(false));
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
                    throw new IllegalArgumentException("series '" + name + "' has x = " + Plot.number(p.x())
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
     * in the order given. Each run is a solid line (the mean training loss of each epoch) with
     * a marker on about every tenth epoch only, and, when the trainer had held-out samples, a
     * dashed line of the same colour for the held-out loss after each epoch; a run that had not
     * converged says so in the legend. The epoch axis is numeric with a few round ticks.
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
            Objects.requireNonNull(r, "training result");
            checkCurve(r, r.lossCurve(), "loss");
            if (r.heldOutCurve().length > 0) {
                checkCurve(r, r.heldOutCurve(), "held-out loss");
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
            Plot plot = new Plot(single ? title : entry.getKey(), "epoch", "loss (solid: training, dashed: held-out)");
            plot.chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            int epochs = runs.stream().mapToInt(r -> r.lossCurve().length).max().orElseThrow();
            for (int i = 0; i < runs.size(); i++) {
                TrainingResult run = runs.get(i);
                String name = (runs.size() == 1 ? entry.getKey() : entry.getKey() + " #" + (i + 1))
                        + (run.convergenceWarning().isPresent() ? " (not converged)" : "");
                plot.curve(name, run.lossCurve(), run.heldOutCurve());
            }
            plot.finish(0.5, epochs + 0.5, plot.yRange(false));
            panels.add(plot.chart);
        }
        int columns = (int) Math.ceil(Math.sqrt(panels.size()));
        return new Chart(title, panels, columns, Chart.DEFAULT_WIDTH, Chart.DEFAULT_HEIGHT);
    }

    private static void checkCurve(TrainingResult r, double[] curve, String what) {
        if (curve.length == 0) {
            throw new IllegalArgumentException("the " + r.objective().name() + " result has an empty loss curve");
        }
        for (int e = 0; e < curve.length; e++) {
            if (!Double.isFinite(curve[e])) {
                throw new IllegalArgumentException("the " + r.objective().name() + " " + what + " is " + curve[e]
                        + " at epoch " + (e + 1) + " (did training diverge?)");
            }
        }
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
        return Double.isInfinite(beta) ? "beta = inf, uniform" : "beta = " + Plot.number(beta);
    }

    private static String betaTick(double beta) {
        if (beta == 0) {
            return "0 (argmax)";
        }
        return Double.isInfinite(beta) ? "inf (uniform)" : Plot.number(beta);
    }

}
