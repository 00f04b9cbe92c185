package dev.qprobe.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The engine passes on each step's first and last report and at most four a second between, with a clock moved by hand. */
class NotebookProgressTest {
    private static final long MS = 1_000_000L;
    private final List<OutputEvent> events = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final NotebookProgress progress = new NotebookProgress(events::add, now::get);

    private List<String> lines() {
        return events.stream().map(e -> ((OutputEvent.Progress) e).line()).toList();
    }

    @Test
    void aStepsReportsPassAtMostFourTimesASecondAndAlwaysAtTheEnd() {
        progress.onProgress("sampling 8 x 500 prompts", 0, 500);
        for (int done = 1; done <= 500; done++) {
            now.addAndGet(10 * MS); // 100 reports a second
            progress.onProgress("sampling 8 x 500 prompts", done, 500);
        }
        // 5 s: the first report, then one per 250 ms, the last at 500/500.
        assertEquals(1 + 20, events.size(), events::toString);
        assertEquals("sampling 8 x 500 prompts: 0/500 (0%)", lines().get(0));
        assertEquals("sampling 8 x 500 prompts: 25/500 (5%)", lines().get(1));
        assertEquals("sampling 8 x 500 prompts: 125/500 (25%)", lines().get(5));
        assertEquals("sampling 8 x 500 prompts: 500/500 (100%)", lines().get(20));
    }

    @Test
    void theFinalCountPassesEvenRightAfterAnotherReport() {
        progress.onProgress("embedding", 0, 3);
        progress.onProgress("embedding", 1, 3);
        progress.onProgress("embedding", 2, 3);
        progress.onProgress("embedding", 3, 3);
        assertEquals(List.of("embedding: 0/3 (0%)", "embedding: 3/3 (100%)"), lines());
    }

    @Test
    void everyStepsFirstReportPasses() {
        progress.onProgress("sampling 2 x 4 prompts", 0, 4);
        progress.onProgress("sampling 2 x 4 prompts", 4, 4);
        progress.onProgress("sampling 2 x 4 prompts", 0, 4); // the test prompts: same name, another step
        progress.onProgress("training PG probe (3 epochs)", 1, 3); // another stage, no 0 first
        progress.onProgress("training PG probe (3 epochs)", 0, 3); // counting again from below
        progress.onProgress("training PG probe (3 epochs)", 1, 3); // too soon: held back
        assertEquals(List.of("sampling 2 x 4 prompts: 0/4 (0%)", "sampling 2 x 4 prompts: 4/4 (100%)",
                "sampling 2 x 4 prompts: 0/4 (0%)", "training PG probe (3 epochs): 1/3 (33%)",
                "training PG probe (3 epochs): 0/3 (0%)"), lines());
    }

    @Test
    void reportsRoundTripThroughTheOutputChannel() {
        List<OutputEvent> received = new ArrayList<>();
        OutputChannel.Reader reader = new OutputChannel.Reader("token", text -> { }, received::add,
                problem -> { throw new AssertionError(problem); });
        OutputEvent.Progress report = new OutputEvent.Progress("a \"quoted\" stage", 3_000_000_000L, 0);
        reader.accept(new String(OutputChannel.line("token", report), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(List.of(report), received);
        assertEquals("a \"quoted\" stage: 3000000000", report.line());
    }
}
