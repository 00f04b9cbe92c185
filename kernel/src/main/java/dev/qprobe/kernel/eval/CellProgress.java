package dev.qprobe.kernel.eval;

import dev.qprobe.kernel.engine.Display;
import dev.qprobe.kernel.engine.OutputEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One cell's progress: however many steps the cell runs (a sweep of 15 experiments runs dozens),
 * they share ONE output, made at the first report ({@code display_data}) and updated in place
 * ({@code update_display_data}) at most {@value #UPDATES_PER_SECOND} times a second, and with the
 * last report when the cell ends.
 *
 * <p>Front ends that ignore updates ({@code jupyter console} does) would show that output's
 * first text, "0%", for the whole cell. So the progress also goes out as lines of text on the
 * cell's standard output, at most one per {@value #LINE_INTERVAL_SECONDS} seconds: a cell that
 * runs for a minute adds about six lines to a notebook, and a console shows it moving.
 */
final class CellProgress {
    static final int UPDATES_PER_SECOND = 4;
    static final int LINE_INTERVAL_SECONDS = 10;
    private static final long UPDATE_INTERVAL_NANOS = 1_000_000_000L / UPDATES_PER_SECOND;
    private static final long LINE_INTERVAL_NANOS = LINE_INTERVAL_SECONDS * 1_000_000_000L;

    private final Consumer<OutputEvent> outputs;
    private final Consumer<String> lines;
    private final LongSupplier nanoClock;
    /** The cell's progress output, or null before the first report. */
    private String displayId;
    private OutputEvent.Progress latest;
    /** Whether {@link #latest} is newer than what the output shows. */
    private boolean behind;
    private int steps;
    private long lastUpdateNanos;
    private long lastLineNanos;
    private boolean finished;

    /**
     * @param outputs   gets the progress output and its updates; null drops them
     * @param lines     gets the lines of text, each ending in a line break; null drops them
     * @param nanoClock the time in nanoseconds, as {@link System#nanoTime}
     */
    CellProgress(Consumer<OutputEvent> outputs, Consumer<String> lines, LongSupplier nanoClock) {
        this.outputs = outputs;
        this.lines = lines;
        this.nanoClock = nanoClock;
    }

    /** Takes one report from the engine. */
    synchronized void report(OutputEvent.Progress progress) {
        if (finished) {
            return; // a thread of the cell's that outlived it
        }
        long now = nanoClock.getAsLong();
        if (latest == null || isNewStep(latest, progress)) {
            steps++;
        }
        latest = progress;
        if (displayId == null) {
            displayId = UUID.randomUUID().toString();
            send(new OutputEvent.NewDisplay(displayId, bundle(progress, steps)));
            lastUpdateNanos = now;
            lastLineNanos = now; // the output's own text is the cell's first line
            return;
        }
        behind = true;
        if (now - lastUpdateNanos >= UPDATE_INTERVAL_NANOS) {
            update(now);
        }
        if (lines != null && now - lastLineNanos >= LINE_INTERVAL_NANOS) {
            lines.accept(text(progress, steps) + "\n");
            lastLineNanos = now;
        }
    }

    /** Ends the cell: the output shows the last report; later reports are dropped. */
    synchronized void finish() {
        if (behind) {
            update(nanoClock.getAsLong());
        }
        finished = true;
    }

    private void update(long now) {
        send(new OutputEvent.UpdateDisplay(displayId, bundle(latest, steps)));
        lastUpdateNanos = now;
        behind = false;
    }

    private void send(OutputEvent event) {
        if (outputs != null) {
            outputs.accept(event);
        }
    }

    /** Another step than {@code before}'s: another stage, the same again from below, or after it finished. */
    private static boolean isNewStep(OutputEvent.Progress before, OutputEvent.Progress now) {
        return !now.stage().equals(before.stage()) || now.done() < before.done()
                || before.total() > 0 && before.done() >= before.total();
    }

    /** "step 3: training PG probe (150 epochs): 75/150 (50%)". */
    static String text(OutputEvent.Progress progress, int step) {
        return "step " + step + ": " + progress.line();
    }

    /** The output: an HTML bar with the text, and the text alone for consoles. */
    static Map<String, Object> bundle(OutputEvent.Progress progress, int step) {
        String text = text(progress, step);
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/html", "<div><progress value=\"" + Math.max(0, progress.done()) + "\" max=\""
                + Math.max(1, progress.total()) + "\" style=\"width:20em\"></progress> <span>" + Display.escape(text)
                + "</span></div>");
        bundle.put("text/plain", text);
        return bundle;
    }
}
