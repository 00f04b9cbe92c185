package dev.qprobe.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** One XChart plot under construction, with the values it has seen for fitting the y axis. */
final class Plot {
    /** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. */
    static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x8C564B), new Color(0x7F7F00),
    };
    /** A second cue next to colour, so lines stay apart in greyscale print. */
    static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL,
    };
    static final Color BASE_COLOR = new Color(0x808080);
    static final Color ORACLE_COLOR = Color.BLACK;
    static final Color GUIDE_COLOR = new Color(0xB0B0B0);
    static final BasicStroke SOLID = new BasicStroke(2f);
    static final BasicStroke DASHED =
            new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
    static final BasicStroke DOTTED =
            new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {2f, 4f}, 0f);
    static final BasicStroke BAR = new BasicStroke(1.4f);
    static final String INTERVAL_NOTE = " (bars: 95% CI)";

    /** Shortest plain decimal: 0.01, 1, 48 (never 1.0E-2 or 48.0). */
    static String number(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.rint(v * scale) / scale;
    }

    static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    static void style(XYSeries s, Color color, Marker marker, BasicStroke stroke) {
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(stroke);
    }

    final XYChart chart;
    private final List<Double> values = new ArrayList<>();
    private boolean intervals;
    private int lines;
    private int categories;
    /** Horizontal shift between neighbouring probes' points, so their bars do not overlap; 0 for none. */
    private double dodge;
    private int dodged;
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

    /**
     * Shifts the points of the next {@code count} probes apart by {@code step} x units each, centred
     * on their true x: intervals at one x stay readable side by side. The axis says so.
     */
    void dodge(int count, double step) {
        this.dodge = count > 1 ? step : 0;
        this.dodged = count;
    }

    /** A measured line: the next colour and marker, intervals as bars. */
    void probe(String name, List<Point> points) {
        Color color = PALETTE[lines % PALETTE.length];
        Marker marker = MARKERS[lines % MARKERS.length];
        double shift = dodge * (lines - (dodged - 1) / 2.0);
        lines++;
        if (shift != 0) {
            List<Point> moved = new ArrayList<>();
            for (Point p : points) {
                moved.add(new Point(p.x() + shift, p.y(), p.low(), p.high()));
            }
            points = moved;
        }
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

    /**
     * A loss curve over epochs 1..n: a solid line with a marker on about every tenth epoch, and
     * the held-out curve (if any) dashed in the same colour.
     */
    void curve(String name, double[] training, double[] heldOut) {
        Color color = PALETTE[lines % PALETTE.length];
        Marker marker = MARKERS[lines % MARKERS.length];
        lines++;
        int every = Math.max(1, training.length / 10);
        double[] x = new double[training.length];
        for (int e = 0; e < x.length; e++) {
            x[e] = e + 1;
            values.add(training[e]);
        }
        style(chart.addSeries(name, x, training), color, SeriesMarkers.NONE, SOLID);
        double[] mx = new double[(training.length + every - 1) / every];
        double[] my = new double[mx.length];
        for (int i = 0; i < mx.length; i++) {
            mx[i] = i * every + 1;
            my[i] = training[i * every];
        }
        XYSeries markers = chart.addSeries(name + " (markers)", mx, my);
        style(markers, color, marker, SOLID);
        markers.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        markers.setShowInLegend(false);
        if (heldOut.length > 0) {
            for (double v : heldOut) {
                values.add(v);
            }
            style(chart.addSeries(name + ", held-out", x, heldOut), color, SeriesMarkers.NONE, DASHED);
        }
    }

    /** A dashed reference line; points with intervals get thin bars in its colour. */
    void reference(String name, List<Point> points, Color color, Marker marker) {
        style(add(name, points), color, marker, DASHED);
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
            XYSeries bars = chart.addSeries(name + " [95% CI]", x, y);
            style(bars, color, SeriesMarkers.NONE, BAR);
            bars.setShowInLegend(false);
        }
    }

    /**
     * A horizontal reference at {@code e}'s value from xMin to xMax, dashed, with its 95% interval
     * as two dotted lines of the same colour (when it has one).
     */
    void band(String name, double xMin, double xMax, dev.qprobe.eval.Estimate e, Color color) {
        style(add(name, List.of(Point.of(xMin, e.value()), Point.of(xMax, e.value()))), color, SeriesMarkers.NONE, DASHED);
        if (!Double.isNaN(e.low())) {
            XYSeries edges = chart.addSeries(name + " [95% CI]", new double[] {xMin, xMax, Double.NaN, xMin, xMax},
                    new double[] {e.low(), e.low(), Double.NaN, e.high(), e.high()});
            style(edges, color, SeriesMarkers.NONE, DOTTED);
            edges.setShowInLegend(false);
            values.add(e.low());
            values.add(e.high());
        }
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
     * The y range: the values' range (lines, intervals and references) with a 6% margin, or a
     * margin around a constant; when {@code unit}, never beyond [0, 1] (rewards in [0, 1]).
     */
    double[] yRange(boolean unit) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double pad = max > min ? 0.06 * (max - min) : Math.max(unit ? 0.05 : 0.5, 0.1 * Math.abs(min));
        double lo = min - pad;
        double hi = max + pad;
        if (unit && min >= 0 && max <= 1) {
            lo = Math.max(0, lo);
            hi = Math.min(1, hi);
        }
        return new double[] {lo, hi};
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
