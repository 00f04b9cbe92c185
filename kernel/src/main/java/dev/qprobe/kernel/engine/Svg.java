package dev.qprobe.kernel.engine;

import dev.qprobe.report.Chart;
import java.util.Objects;

/** A chart to be displayed as SVG rather than PNG; made by {@link Notebook#svg}. */
public record Svg(Chart chart) {
    public Svg {
        Objects.requireNonNull(chart, "chart");
    }
}
