package dev.qprobe.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.Beta;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.dsl.Results;
import dev.qprobe.train.Objective;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An experiment's results as a cell's value: the compact summary and the chart, not the long table. */
class ResultsDisplayTest {
    private static Results results;
    private static Map<String, Object> bundle;

    @BeforeAll
    static void run() {
        SampleSet.Split split = SyntheticSamples.generate(60, 12, 16, 0.3, 7).splitByPrompt(0.25, 0);
        results = QProbe.features("synthetic", split.train(), split.test()).probe(Objective.PG, Objective.MSE)
                .select(Beta.of(0, 1));
        bundle = Display.render(results);
    }

    @Test
    void htmlFirstThenTheChartAloneThenText() {
        assertEquals(List.of("text/html", "image/png", "text/plain"), List.copyOf(bundle.keySet()));
        byte[] png = Base64.getDecoder().decode((String) bundle.get("image/png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void theHtmlIsTheSummaryTableTheVerdictsAndTheChart() {
        String html = (String) bundle.get("text/html");
        String header = "<th>method</th>" + Arrays.stream(results.results().get(0).grid().ks())
                .mapToObj(k -> "<th>k = " + k + "</th>").reduce("", String::concat);
        assertTrue(html.contains(header), "one column per k\n" + html);
        for (String row : List.of(results.result("PG").label(), "MSE", "oracle (best of k)", "base (mean of pi0)")) {
            assertTrue(html.contains("<tr><td>" + Display.escape(row) + "</td>"), row + "\n" + html);
        }
        String cell = (String) results.summary(0).column("k = 12").get(0);
        assertTrue(html.contains("<td>" + cell + "</td>"), "PG's argmax reward at k = 12 with its CI\n" + html);
        assertTrue(html.contains("at k = 12, argmax vs base"), html);
        assertTrue(html.contains("beats the base") || html.contains("does not clearly beat the base"), html);
        assertTrue(html.contains("<img src=\"data:image/png;base64," + bundle.get("image/png") + "\""), html);
        assertTrue(html.contains(".table() of these results"), "says where the long table is\n" + html);
        assertFalse(html.contains("selection_kl_bound") || html.contains("<th>beta</th>"), "not the long table\n" + html);
    }

    @Test
    void theTextIsWhatTheCommandsPrintAndWhereTheLongTableIs() {
        String plain = (String) bundle.get("text/plain");
        assertTrue(plain.startsWith(results.report()), plain);
        assertTrue(plain.contains("argmax vs base"), plain);
        assertTrue(plain.endsWith("(" + ResultsDisplay.LONG_TABLE_HINT + ")"), plain);
    }
}
