package dev.qprobe.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.engine.OutputEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A cell's progress reports, coalesced into one updating output and a few lines, with a clock moved by hand. */
class CellProgressTest {
    private static final long MS = 1_000_000L;
    private final List<OutputEvent> outputs = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final CellProgress progress = new CellProgress(outputs::add, lines::add, now::get);

    private static String plain(OutputEvent e) {
        Map<String, Object> data = e instanceof OutputEvent.NewDisplay d ? d.data() : ((OutputEvent.UpdateDisplay) e).data();
        return (String) data.get("text/plain");
    }

    /** A sweep of 15 runs, each sampling then training, reported as the engine passes reports on (4 a second). */
    private void sweep() {
        for (int run = 1; run <= 15; run++) {
            for (int done = 0; done <= 20; done++) { // 5 s of sampling
                progress.report(new OutputEvent.Progress("sampling run " + run, done, 20));
                now.addAndGet(250 * MS);
            }
            progress.report(new OutputEvent.Progress("training PG probe (150 epochs)", 0, 150));
            progress.report(new OutputEvent.Progress("training PG probe (150 epochs)", 150, 150));
            now.addAndGet(20 * MS);
        }
    }

    @Test
    void fifteenRunsShowOneOutputThatUpdatesAndALineEveryTenSeconds() {
        long start = now.get();
        sweep();
        progress.finish();
        double seconds = (now.get() - start) / 1e9; // 15 x 5.27 s

        assertTrue(outputs.get(0) instanceof OutputEvent.NewDisplay, outputs.get(0)::toString);
        String id = ((OutputEvent.NewDisplay) outputs.get(0)).displayId();
        assertEquals("step 1: sampling run 1: 0/20 (0%)", plain(outputs.get(0)));
        for (OutputEvent e : outputs.subList(1, outputs.size())) {
            assertTrue(e instanceof OutputEvent.UpdateDisplay u && u.displayId().equals(id), e::toString);
        }
        assertTrue(outputs.size() <= 2 + seconds * CellProgress.UPDATES_PER_SECOND, outputs.size() + " outputs");
        assertTrue(outputs.size() >= seconds * CellProgress.UPDATES_PER_SECOND - 1, outputs.size() + " outputs");
        assertEquals("step 30: training PG probe (150 epochs): 150/150 (100%)", plain(outputs.get(outputs.size() - 1)),
                "the last report is shown once the cell ends");

        // Plain-text lines for consoles: one per 10 s, moving on (not a frozen 0%).
        assertEquals((int) (seconds / CellProgress.LINE_INTERVAL_SECONDS), lines.size(), lines::toString);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("step ") && l.endsWith("\n")), lines::toString);
        assertEquals("step 3: sampling run 2: 19/20 (95%)\n", lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith("step 27: sampling run 14"), lines::toString);
    }

    @Test
    void aShortCellUpdatesItsOutputAtTheEndAndPrintsNoLine() {
        for (int step = 1; step <= 15; step++) {
            progress.report(new OutputEvent.Progress("task " + step, 0, 10));
            progress.report(new OutputEvent.Progress("task " + step, 10, 10));
            now.addAndGet(MS);
        }
        progress.finish();
        progress.report(new OutputEvent.Progress("a thread that outlived the cell", 1, 2));
        progress.finish();
        assertEquals(List.of("step 1: task 1: 0/10 (0%)", "step 15: task 15: 10/10 (100%)"),
                outputs.stream().map(CellProgressTest::plain).toList());
        assertEquals(List.of(), lines);
    }

    @Test
    void theSameStageAgainIsAnotherStep() {
        progress.report(new OutputEvent.Progress("sampling 2 x 4 prompts", 0, 4));
        progress.report(new OutputEvent.Progress("sampling 2 x 4 prompts", 4, 4));
        progress.report(new OutputEvent.Progress("sampling 2 x 4 prompts", 0, 4)); // the test prompts
        progress.report(new OutputEvent.Progress("sampling 2 x 4 prompts", 2, 4));
        progress.report(new OutputEvent.Progress("sampling 2 x 4 prompts", 1, 4)); // from below again
        progress.finish();
        assertEquals("step 3: sampling 2 x 4 prompts: 1/4 (25%)", plain(outputs.get(outputs.size() - 1)));
    }

    @Test
    void theOutputIsAnHtmlBarWithEscapedTextAndTheTextForConsoles() {
        Map<String, Object> bundle = CellProgress.bundle(new OutputEvent.Progress("a <b> & c", 3, 12), 2);
        assertEquals("step 2: a <b> & c: 3/12 (25%)", bundle.get("text/plain"));
        String html = (String) bundle.get("text/html");
        assertTrue(html.contains("<progress value=\"3\" max=\"12\""), html);
        assertTrue(html.contains("step 2: a &lt;b&gt; &amp; c: 3/12 (25%)"), html);
        assertEquals("step 1: nothing to do: 0", CellProgress.bundle(new OutputEvent.Progress("nothing to do", 0, 0), 1)
                .get("text/plain"));
    }
}
