package dev.qprobe.kernel.engine;

import dev.qprobe.dsl.Results;
import dev.qprobe.report.Chart;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tech.tablesaw.api.Table;

/**
 * Turns a cell's value into a Jupyter MIME bundle: MIME type to data, richest first.
 *
 * <ul>
 *   <li>a Tablesaw {@link Table}: {@code text/html} and {@code text/plain}, a table of more than
 *       {@value #MAX_ROWS} rows cut to its first and last rows with a row saying how many were left
 *       out and how to see them all;</li>
 *   <li>a {@link Chart}: {@code image/png} (base64) and its title as {@code text/plain} (no SVG:
 *       it is eight times the PNG's size and front ends prefer it, so every notebook would grow);</li>
 *   <li>a {@link Svg}, from {@link Notebook#svg}: {@code image/svg+xml} and its title as
 *       {@code text/plain};</li>
 *   <li>DSL {@link Results}: its compact summary and reward-vs-k chart, see {@link ResultsDisplay};</li>
 *   <li>a {@link Rich} value ({@code html}, {@code markdown}, {@code latex}, {@code image} of
 *       {@link Notebook}): its own MIME type and {@code text/plain};</li>
 *   <li>a {@link DisplayHandle}: nothing (an empty bundle), as what it names is already shown;</li>
 *   <li>anything else: {@code text/plain}, its {@code toString()}.</li>
 * </ul>
 * A type of the user's own can have its renderer: {@code Display.register(Point.class, p ->
 * html("<b>" + p + "</b>"))}; it comes before all of the above, for that type and its subtypes.
 *
 * <p>The evaluator runs cells in a separate JVM, so values are rendered there: it runs
 * {@link #publishValue} on the cell's value inside the engine.
 */
public final class Display {
    /**
     * Rows of a table shown in HTML: a longer one shows its first and last {@code MAX_ROWS / 2}
     * rows, as Tablesaw's {@code print()} does, since notebooks choke on a 100,000-row table.
     */
    public static final int MAX_ROWS = 20;
    /** What a cut table says about its other rows: one way to see them all. */
    static final String ALL_ROWS_HINT = "table.print(table.rowCount()) prints every row";

    /** Renderers registered for the user's types, by type; the latest registration first. */
    private static final Map<Class<?>, Function<Object, ?>> RENDERERS = new ConcurrentHashMap<>();
    /** How deep renderers may hand their values to other renderers before it counts as a loop. */
    private static final int MAX_RENDER_DEPTH = 8;

    private Display() {
    }

    /**
     * Shows values of {@code type} (and its subtypes) as what {@code renderer} makes of them: a
     * {@link Rich} value, a table, a chart, text, or a MIME bundle as a {@code Map<String, Object>}.
     * A later registration for the same type replaces this one; the most specific type wins.
     */
    @SuppressWarnings("unchecked")
    public static <T> void register(Class<T> type, Function<? super T, ?> renderer) {
        RENDERERS.put(Objects.requireNonNull(type, "type"), (Function<Object, ?>) Objects.requireNonNull(renderer,
                "renderer"));
    }

    /** Forgets the renderer registered for exactly {@code type}, if any. */
    public static void unregister(Class<?> type) {
        RENDERERS.remove(type);
    }

    /** The MIME bundle for {@code value}, in insertion order; {@code null} shows as {@code text/plain} "null". */
    public static Map<String, Object> render(Object value) {
        return render(value, 0);
    }

    private static Map<String, Object> render(Object value, int depth) {
        Function<Object, ?> renderer = value == null ? null : rendererFor(value.getClass());
        if (renderer != null) {
            if (depth >= MAX_RENDER_DEPTH) {
                throw new IllegalStateException("the renderers registered for " + value.getClass().getName()
                        + " hand values to each other " + MAX_RENDER_DEPTH + " times: a loop?");
            }
            Object rendered = renderer.apply(value);
            if (rendered instanceof Map<?, ?> map && !map.isEmpty() && map.keySet().stream().allMatch(k -> k instanceof String s
                    && s.contains("/"))) {
                Map<String, Object> bundle = new LinkedHashMap<>();
                map.forEach((k, v) -> bundle.put((String) k, v));
                return bundle;
            }
            return rendered != null && rendered.getClass() == value.getClass() ? plain(rendered)
                    : render(rendered, depth + 1);
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        if (value instanceof Rich rich) {
            return rich.bundle();
        }
        if (value instanceof DisplayHandle) {
            return bundle; // the output it names is already on show
        }
        if (value instanceof Table table) {
            bundle.put("text/html", html(table));
            bundle.put("text/plain", plain(table));
        } else if (value instanceof Chart chart) {
            bundle.put("image/png", Base64.getEncoder().encodeToString(chart.png()));
            bundle.put("text/plain", chart.title());
        } else if (value instanceof Svg svg) {
            bundle.put("image/svg+xml", svg.chart().svg());
            bundle.put("text/plain", svg.chart().title());
        } else if (value instanceof Results results) {
            return ResultsDisplay.bundle(results);
        } else {
            bundle.put("text/plain", String.valueOf(value));
        }
        return bundle;
    }

    private static Map<String, Object> plain(Object value) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/plain", String.valueOf(value));
        return bundle;
    }

    /** The renderer for {@code type}: its own, else its nearest superclass's, else an interface's. */
    private static Function<Object, ?> rendererFor(Class<?> type) {
        if (RENDERERS.isEmpty()) {
            return null;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Function<Object, ?> r = RENDERERS.get(c);
            if (r != null) {
                return r;
            }
        }
        for (Map.Entry<Class<?>, Function<Object, ?>> e : RENDERERS.entrySet()) {
            if (e.getKey().isAssignableFrom(type)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * Sends {@link #render}'s bundle for {@code value} to the kernel as the cell's value: what
     * the evaluator runs inside the engine. Over {@link OutputChannel}, not as JShell's value
     * text, because JShell cuts long values short and a PNG is long.
     */
    public static void publishValue(Object value) {
        Notebook.publish(new OutputEvent.Value(render(value)));
    }

    /**
     * An HTML table of all rows, or of a table longer than {@value #MAX_ROWS} rows its first and
     * last {@code MAX_ROWS / 2}, with a row between them saying how many were left out.
     */
    static String html(Table table) {
        StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
        for (String name : table.columnNames()) {
            html.append("<th>").append(escape(name)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int rows = table.rowCount();
        boolean cut = rows > MAX_ROWS;
        int head = cut ? MAX_ROWS / 2 : rows;
        appendRows(html, table, 0, head);
        if (cut) {
            int left = rows - MAX_ROWS;
            html.append("<tr><td colspan=\"").append(Math.max(1, table.columnCount())).append("\"><i>... ")
                    .append(left).append(left == 1 ? " row" : " rows").append(" left out (").append(rows)
                    .append(" in all); ").append(escape(ALL_ROWS_HINT)).append("</i></td></tr>\n");
            appendRows(html, table, rows - MAX_ROWS / 2, rows);
        }
        return html.append("</tbody>\n</table>").toString();
    }

    private static void appendRows(StringBuilder html, Table table, int from, int to) {
        for (int r = from; r < to; r++) {
            html.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                html.append("<td>").append(escape(table.getString(r, c))).append("</td>");
            }
            html.append("</tr>\n");
        }
    }

    /** Tablesaw's text of {@code table} (first and last rows of a long one), saying how to see every row. */
    static String plain(Table table) {
        String text = table.print();
        return table.rowCount() > MAX_ROWS ? text + System.lineSeparator() + "(" + table.rowCount() + " rows; "
                + ALL_ROWS_HINT + ")" : text;
    }

    /** {@code text} with the characters that mean something in HTML escaped. */
    public static String escape(String text) {
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
