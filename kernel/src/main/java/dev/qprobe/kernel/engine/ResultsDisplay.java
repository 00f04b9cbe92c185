package dev.qprobe.kernel.engine;

import dev.qprobe.dsl.Results;
import dev.qprobe.report.Chart;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * How an experiment's {@link Results} shows as a cell's value: what a reader wants first, the
 * compact summary that {@code qprobe demo} prints and the reward-vs-k chart, not the long table
 * (every method x k x beta), which the output names so it stays one call away.
 *
 * <ul>
 *   <li>{@code text/html}: {@link Results#summary(double) summary(0)} as a table (one row per
 *       probe, the oracle and the base rate; one column per k), the {@link Results#verdicts()},
 *       the chart as an inline PNG, and where the long table is. A front end shows one MIME
 *       type of a bundle, so the HTML carries the chart too;</li>
 *   <li>{@code image/png}: the chart alone, for front ends without HTML;</li>
 *   <li>{@code text/plain}: {@link Results#report()}, the text the {@code qprobe} commands print,
 *       and where the long table is.</li>
 * </ul>
 */
final class ResultsDisplay {
    /** Where the rows left out of the summary are, named in the output. */
    static final String LONG_TABLE_HINT = "the long table, every method x k x beta: .table() of these results;"
            + " .save(dir) writes it as results.csv with the charts";

    private ResultsDisplay() {
    }

    static Map<String, Object> bundle(Results results) {
        Chart chart = results.chart();
        String png = Base64.getEncoder().encodeToString(chart.png());
        Table summary = results.summary(0);
        StringBuilder html = new StringBuilder("<div>\n<p><b>").append(Display.escape(summary.name()))
                .append("</b></p>\n").append(Display.html(summary)).append("\n<p>");
        var verdicts = results.verdicts();
        html.append(Display.escape(verdicts.get(0)));
        for (String line : verdicts.subList(1, verdicts.size())) {
            html.append("<br/>\n&nbsp;&nbsp;").append(Display.escape(line.strip()));
        }
        html.append("</p>\n<img src=\"data:image/png;base64,").append(png).append("\" alt=\"")
                .append(Display.escape(chart.title())).append("\"/>\n<p><i>")
                .append(Display.escape(LONG_TABLE_HINT)).append("</i></p>\n</div>");
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html.toString());
        bundle.put("image/png", png);
        bundle.put("text/plain", results.report() + System.lineSeparator() + "(" + LONG_TABLE_HINT + ")");
        return bundle;
    }
}
