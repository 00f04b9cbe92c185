package dev.qprobe.kernel.engine;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The marked-line protocol on its own: what the engine writes, cut into chunks anywhere. */
class OutputChannelTest {
    private static final String TOKEN = OutputChannel.newToken();

    /** What a reader passed on: text as "text:...", events as themselves, problems as "problem:...". */
    private final List<Object> seen = new ArrayList<>();
    private final OutputChannel.Reader reader = new OutputChannel.Reader(TOKEN, t -> seen.add("text:" + t),
            seen::add, p -> seen.add("problem:" + p));

    private static String line(OutputEvent event) {
        return new String(OutputChannel.line(TOKEN, event), US_ASCII);
    }

    /** Adjacent text pieces joined, so that results do not depend on where chunks were cut. */
    private List<Object> merged() {
        List<Object> out = new ArrayList<>();
        for (Object o : seen) {
            if (o instanceof String s && s.startsWith("text:") && !out.isEmpty()
                    && out.get(out.size() - 1) instanceof String last && last.startsWith("text:")) {
                out.set(out.size() - 1, last + s.substring(5));
            } else {
                out.add(o);
            }
        }
        return out;
    }

    private static Map<String, Object> bundle(String plain) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text/html", "<b>" + plain + "</b>");
        data.put("text/plain", plain);
        return data;
    }

    @Test
    void eventsComeOutBetweenTheTextAroundThemWhereverTheStreamIsCut() {
        OutputEvent shown = new OutputEvent.NewDisplay("id-1", bundle("caf\u00e9 \u4e16 \"q\"\n\u001e"));
        OutputEvent updated = new OutputEvent.UpdateDisplay("id-1", bundle("two"));
        OutputEvent cleared = new OutputEvent.ClearOutput(true);
        String stream = "before\n" + line(shown) + "no newline yet" + line(updated) + line(cleared) + "after\n";
        List<Object> expected = List.of("text:before\n", shown, "text:no newline yet", updated, cleared,
                "text:after\n");
        for (int cut = 0; cut <= stream.length(); cut++) {
            seen.clear();
            reader.accept(stream.substring(0, cut));
            reader.accept(stream.substring(cut));
            reader.finish();
            assertEquals(expected, merged(), "cut at " + cut);
        }
        seen.clear();
        for (char c : stream.toCharArray()) {
            reader.accept(String.valueOf(c));
        }
        reader.finish();
        assertEquals(expected, merged(), "one character at a time");
    }

    @Test
    void theMarkedLineIsAsciiAndOneLine() {
        String line = line(new OutputEvent.NewDisplay("x", bundle("\u00e9\n\u001e\u2028")));
        assertTrue(line.chars().allMatch(c -> c < 128), line);
        assertEquals(line.length() - 1, line.indexOf('\n'), "a single line break, at the end");
        assertEquals(0, line.lastIndexOf('\u001e'), "the mark only at the start");
    }

    @Test
    void jsonContentKeepsItsShapeAndNumbers() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("application/json", Map.of("n", 3L, "x", 0.5, "list", List.of("\u00e9", true), "none", "null"));
        data.put("text/plain", "{n=3}");
        OutputEvent event = new OutputEvent.Value(data);
        reader.accept(line(event));
        reader.finish();
        assertEquals(List.of(event), merged());
    }

    @Test
    void textThatOnlyLooksLikeAMarkerIsLeftAlone() {
        String otherToken = line(new OutputEvent.ClearOutput(false)).replace(TOKEN, OutputChannel.newToken());
        String noToken = "\u001eqprobe-output::{\"type\":\"clear_output\",\"wait\":false}\n";
        String stream = "a\u001eb\u001e\u001e" + otherToken + noToken + "\u001eqprobe-out";
        reader.accept(stream);
        reader.finish();
        assertEquals(List.of("text:" + stream), merged(), "a held beginning of the marker is text at the end");
    }

    @Test
    void aMarkedLineWithoutAnEventIsReportedAndTheStreamGoesOn() {
        String prefix = line(new OutputEvent.ClearOutput(false));
        prefix = prefix.substring(0, prefix.indexOf('{'));
        reader.accept(prefix + "{not json\nnext\n" + prefix + "{\"type\":\"play_sound\"}\n");
        reader.finish();
        List<Object> out = merged();
        assertEquals(3, out.size(), out::toString);
        assertTrue(out.get(0).toString().startsWith("problem:(an output from the cell could not be read"), out::toString);
        assertEquals("text:next\n", out.get(1));
        assertTrue(out.get(2).toString().startsWith("problem:") && out.get(2).toString()
                .contains("unknown output type play_sound"), out::toString);
    }

    @Test
    void aLineCutShortByTheEndOfACellIsDroppedAndTheNextCellStartsClean() {
        String line = line(new OutputEvent.NewDisplay("id", bundle("x")));
        reader.accept("text " + line.substring(0, line.length() / 2));
        reader.finish();
        reader.accept("next cell\n");
        reader.finish();
        assertEquals(List.of("text:text next cell\n"), merged());
    }
}
