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
    void longTablesAreTruncated() {
        Table t = Table.create("long", IntColumn.create("row", IntStream.range(0, 50).toArray()),
                DoubleColumn.create("reward", IntStream.range(0, 50).mapToDouble(i -> i / 50.0).toArray()));
        String html = (String) Display.render(t).get("text/html");
        assertTrue(html.contains("<th>row</th><th>reward</th>"), html);
        assertEquals(Display.MAX_ROWS, html.split("<tr>", -1).length - 2, "header row plus 20 rows");
        assertTrue(html.contains("<td>19</td>") && !html.contains("<td>20</td>"), html);
        assertTrue(html.contains("... 30 more rows"), html);
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
