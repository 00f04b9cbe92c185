package dev.qprobe.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One updating output per step, throttled, with a clock the test moves by hand. */
class NotebookProgressTest {
    private static final long MS = 1_000_000L;
    private final List<OutputEvent> events = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final NotebookProgress progress = new NotebookProgress(events::add, now::get);

    private static String plain(OutputEvent e) {
        Object text = e instanceof OutputEvent.NewDisplay d ? d.data().get("text/plain")
                : ((OutputEvent.UpdateDisplay) e).data().get("text/plain");
        return (e instanceof OutputEvent.NewDisplay ? "new " : "update ") + text;
    }

    private static String id(OutputEvent e) {
        return e instanceof OutputEvent.NewDisplay d ? d.displayId() : ((OutputEvent.UpdateDisplay) e).displayId();
    }

    @Test
    void oneOutputPerStepUpdatedAtMostFourTimesASecondAndAlwaysAtTheEnd() {
        progress.onProgress("sampling 8 x 500 prompts", 0, 500);
        for (int done = 1; done <= 500; done++) {
            now.addAndGet(10 * MS); // 100 reports a second
            progress.onProgress("sampling 8 x 500 prompts", done, 500);
        }
        // 5 s: the first output, then one update per 250 ms, the last at 500/500.
        assertEquals(1 + 20, events.size(), events::toString);
        assertEquals("new sampling 8 x 500 prompts: 0/500 (0%)", plain(events.get(0)));
        assertEquals("update sampling 8 x 500 prompts: 25/500 (5%)", plain(events.get(1)));
        assertEquals("update sampling 8 x 500 prompts: 125/500 (25%)", plain(events.get(5)));
        assertEquals("update sampling 8 x 500 prompts: 500/500 (100%)", plain(events.get(20)));
        assertTrue(events.stream().allMatch(e -> id(e).equals(id(events.get(0)))), "all about one output");
    }

    @Test
    void theFinalCountIsShownEvenRightAfterAnUpdate() {
        progress.onProgress("embedding", 0, 3);
        progress.onProgress("embedding", 1, 3);
        progress.onProgress("embedding", 2, 3);
        progress.onProgress("embedding", 3, 3);
        assertEquals(List.of("new embedding: 0/3 (0%)", "update embedding: 3/3 (100%)"),
                events.stream().map(NotebookProgressTest::plain).toList());
    }

    @Test
    void aNewStageOrTheSameStageAgainStartsANewOutput() {
        progress.onProgress("sampling 2 x 4 prompts", 0, 4);
        progress.onProgress("sampling 2 x 4 prompts", 4, 4);
        progress.onProgress("sampling 2 x 4 prompts", 0, 4); // the test prompts: same name, another step
        progress.onProgress("training PG probe (3 epochs)", 1, 3); // no 0 first: still a new step
        progress.onProgress("training PG probe (3 epochs)", 0, 3); // counting again from below
        List<String> ids = events.stream().map(NotebookProgressTest::id).toList();
        assertEquals(List.of("new", "update", "new", "new", "new"),
                events.stream().map(e -> plain(e).split(" ")[0]).toList());
        assertEquals(ids.get(0), ids.get(1));
        assertEquals(4, ids.stream().distinct().count(), ids::toString);
        assertNotEquals(ids.get(1), ids.get(2));
    }

    @Test
    void theHtmlBarEscapesTheStageAndCarriesTheCount() {
        var bundle = NotebookProgress.bundle("a <b> & c", 3, 12);
        assertEquals("a <b> & c: 3/12 (25%)", bundle.get("text/plain"));
        String html = (String) bundle.get("text/html");
        assertTrue(html.contains("<progress value=\"3\" max=\"12\""), html);
        assertTrue(html.contains("a &lt;b&gt; &amp; c: 3/12 (25%)"), html);
        assertEquals("nothing to do: 0", NotebookProgress.bundle("nothing to do", 0, 0).get("text/plain"));
    }
}
