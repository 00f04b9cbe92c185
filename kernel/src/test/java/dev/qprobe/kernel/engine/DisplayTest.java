package dev.qprobe.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.report.Chart;
import dev.qprobe.report.Charts;
import dev.qprobe.report.Point;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class DisplayTest {

    @Test
    void tablesBecomeEscapedHtmlAndText() {
        Table t = Table.create("t", IntColumn.create("k", 1, 2), StringColumn.create("name & <tag>", "x<y", "z"));
        Map<String, Object> bundle = Display.render(t);
        String html = (String) bundle.get("text/html");
        assertTrue(html.contains("<th>k</th><th>name &amp; &lt;tag&gt;</th>"), html);
        assertTrue(html.contains("<td>x&lt;y</td>"), html);
        assertFalse(html.contains("more row"), html);
        assertTrue(((String) bundle.get("text/plain")).contains("x<y"));
    }

    @Test
    void longTablesShowTheirFirstAndLastRowsAndSayHowToSeeAll() {
        Table t = Table.create("long", IntColumn.create("row", IntStream.range(0, 50).toArray()),
                DoubleColumn.create("reward", IntStream.range(0, 50).mapToDouble(i -> i / 50.0).toArray()));
        Map<String, Object> bundle = Display.render(t);
        String html = (String) bundle.get("text/html");
        assertTrue(html.contains("<th>row</th><th>reward</th>"), html);
        assertEquals(1 + Display.MAX_ROWS + 1, html.split("<tr>", -1).length - 1, "header, 20 rows, the note");
        for (int shown : new int[] {0, 9, 40, 49}) {
            assertTrue(html.contains("<tr><td>" + shown + "</td>"), shown + " is shown\n" + html);
        }
        for (int left : new int[] {10, 25, 39}) {
            assertFalse(html.contains("<tr><td>" + left + "</td>"), left + " is left out\n" + html);
        }
        int note = html.indexOf("30 rows left out (50 in all); table.print(table.rowCount()) prints every row");
        assertTrue(note > html.indexOf("<td>9</td>") && note < html.indexOf("<td>40</td>"), html);
        assertTrue(html.contains("<td colspan=\"2\">"), html);

        String plain = (String) bundle.get("text/plain");
        assertTrue(plain.contains("(50 rows; table.print(table.rowCount()) prints every row)"), plain);
        // The way the note names does show every row.
        String all = t.print(t.rowCount());
        assertTrue(IntStream.range(0, 50).allMatch(i -> all.contains(String.valueOf(i / 50.0))), all);
    }

    @Test
    void aTableOfExactlyTwentyRowsIsShownWhole() {
        Table t = Table.create("t", IntColumn.create("row", IntStream.range(0, Display.MAX_ROWS).toArray()));
        String html = (String) Display.render(t).get("text/html");
        assertEquals(1 + Display.MAX_ROWS, html.split("<tr>", -1).length - 1, html);
        assertFalse(html.contains("left out"), html);
    }

    @Test
    void chartsBecomePngAndTheirTitleAndSvgOnRequest() {
        Chart chart = Charts.lines("reward", "k", "r", Map.of("probe", List.of(Point.of(1, 0.2), Point.of(2, 0.4))))
                .withSize(200, 120);
        Map<String, Object> bundle = Display.render(chart);
        byte[] png = Base64.getDecoder().decode((String) bundle.get("image/png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        assertEquals("reward", bundle.get("text/plain"));
        assertFalse(bundle.containsKey("image/svg+xml"));

        Map<String, Object> svg = Display.render(Notebook.svg(chart));
        assertTrue(((String) svg.get("image/svg+xml")).contains("<svg"));
        assertEquals("reward", svg.get("text/plain"));
        assertFalse(svg.containsKey("image/png"));
    }

    @Test
    void anythingElseIsText() {
        assertEquals(Map.of("text/plain", "Beta[0.0, 0.01, 0.1, 1.0]"), Display.render(dev.qprobe.dsl.Beta.standard()));
        assertEquals(Map.of("text/plain", "null"), Display.render(null));
    }

    @Test
    void bundlesRoundTripThroughTheOutputChannel() {
        Table t = Table.create("t", StringColumn.create("s", "\u00e9\"\\"));
        List<OutputEvent> received = new ArrayList<>();
        OutputChannel.Reader reader = new OutputChannel.Reader("token", text -> { }, received::add,
                problem -> { throw new AssertionError(problem); });
        reader.accept(new String(OutputChannel.line("token", new OutputEvent.Value(Display.render(t))),
                java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(List.of(new OutputEvent.Value(Display.render(t))), received);
    }
}
