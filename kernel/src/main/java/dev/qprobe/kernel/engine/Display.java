package dev.qprobe.kernel.engine;

import dev.qprobe.dsl.Results;
import dev.qprobe.report.Chart;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * Turns a cell's value into a Jupyter MIME bundle: MIME type to data, richest first.
 *
 * <ul>
 *   <li>a Tablesaw {@link Table}: {@code text/html} (the first {@value #MAX_ROWS} rows, then a
 *       "... N more rows" note) and {@code text/plain};</li>
 *   <li>a {@link Chart}: {@code image/png} (base64) and its title as {@code text/plain} (no SVG:
 *       it is eight times the PNG's size and front ends prefer it, so every notebook would grow);</li>
 *   <li>a {@link Svg}, from {@link Notebook#svg}: {@code image/svg+xml} and its title as
 *       {@code text/plain};</li>
 *   <li>DSL {@link Results}: its table with its chart below as {@code text/html}, the chart
 *       alone as {@code image/png}, its summary as {@code text/plain};</li>
 *   <li>a {@link DisplayHandle}: nothing (an empty bundle), as what it names is already shown;</li>
 *   <li>anything else: {@code text/plain}, its {@code toString()}.</li>
 * </ul>
 *
 * <p>The evaluator runs cells in a separate JVM, so values are rendered there: it runs
 * {@link #publishValue} on the cell's value inside the engine.
 */
public final class Display {
    /** Rows of a table shown in HTML; notebooks choke on a 100,000-row table. */
    public static final int MAX_ROWS = 20;

    private Display() {
    }

    /** The MIME bundle for {@code value}, in insertion order; {@code null} shows as {@code text/plain} "null". */
    public static Map<String, Object> render(Object value) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        if (value instanceof DisplayHandle) {
            return bundle; // the output it names is already on show
        }
        if (value instanceof Table table) {
            bundle.put("text/html", html(table));
            bundle.put("text/plain", table.print());
        } else if (value instanceof Chart chart) {
            bundle.put("image/png", Base64.getEncoder().encodeToString(chart.png()));
            bundle.put("text/plain", chart.title());
        } else if (value instanceof Svg svg) {
            bundle.put("image/svg+xml", svg.chart().svg());
            bundle.put("text/plain", svg.chart().title());
        } else if (value instanceof Results results) {
            // A front end shows one MIME type of a bundle, so the HTML carries the chart too.
            String png = Base64.getEncoder().encodeToString(results.chart().png());
            bundle.put("text/html", html(results.table()) + "\n<img src=\"data:image/png;base64," + png
                    + "\" alt=\"" + escape(results.chart().title()) + "\"/>");
            bundle.put("image/png", png);
            bundle.put("text/plain", results.toString());
        } else {
            bundle.put("text/plain", String.valueOf(value));
        }
        return bundle;
    }

    /**
     * Sends {@link #render}'s bundle for {@code value} to the kernel as the cell's value: what
     * the evaluator runs inside the engine. Over {@link OutputChannel}, not as JShell's value
     * text, because JShell cuts long values short and a PNG is long.
     */
    public static void publishValue(Object value) {
        Notebook.publish(new OutputEvent.Value(render(value)));
    }

    /** An HTML table of the first {@value #MAX_ROWS} rows, with a note of how many more there are. */
    static String html(Table table) {
        StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
        for (String name : table.columnNames()) {
            html.append("<th>").append(escape(name)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(MAX_ROWS, table.rowCount());
        for (int r = 0; r < shown; r++) {
            html.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                html.append("<td>").append(escape(table.getString(r, c))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>");
        if (table.rowCount() > shown) {
            int more = table.rowCount() - shown;
            html.append("\n<p>... ").append(more).append(more == 1 ? " more row" : " more rows").append("</p>");
        }
        return html.toString();
    }

    /** {@code text} with the characters that mean something in HTML escaped. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
