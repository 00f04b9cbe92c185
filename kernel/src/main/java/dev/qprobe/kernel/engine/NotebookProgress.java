package dev.qprobe.kernel.engine;

import dev.qprobe.collect.ProgressListener;
import dev.qprobe.dsl.DefaultProgress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress of the DSL's long steps in a notebook: one output per step that updates in place,
 * e.g. "sampling 8 x 500 prompts: 120/500 (24%)" with an HTML progress bar. A step starts an
 * output ({@code display_data}) when a new stage is reported, or the same stage again from a
 * lower count or after it finished; then updates it ({@code update_display_data}) at most
 * {@value #UPDATES_PER_SECOND} times a second, and always with its final count.
 *
 * <p>A report that comes too soon after the last update is not shown, so until the next one the
 * output may be one report behind; a step that fails stays at the last count shown.
 */
public final class NotebookProgress implements ProgressListener {
    static final int UPDATES_PER_SECOND = 4;
    private static final long UPDATE_INTERVAL_NANOS = 1_000_000_000L / UPDATES_PER_SECOND;

    private final Consumer<OutputEvent> publish;
    private final LongSupplier nanoClock;
    private String stage;
    /** The output of the step under way, or null between steps. */
    private String displayId;
    private long lastDone;
    private long lastPublishedNanos;

    /**
     * @param publish   sends an output to the notebook
     * @param nanoClock the time in nanoseconds, as {@link System#nanoTime}
     */
    NotebookProgress(Consumer<OutputEvent> publish, LongSupplier nanoClock) {
        this.publish = publish;
        this.nanoClock = nanoClock;
    }

    /** Makes notebook outputs the DSL's {@link DefaultProgress}: what the kernel's engine runs at start-up. */
    public static void install() {
        DefaultProgress.set(new NotebookProgress(Notebook::publish, System::nanoTime));
    }

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        long now = nanoClock.getAsLong();
        boolean finished = done >= total;
        if (displayId == null || !stage.equals(this.stage) || done < lastDone) {
            this.stage = stage;
            displayId = Notebook.newId();
            publish.accept(new OutputEvent.NewDisplay(displayId, bundle(stage, done, total)));
            lastPublishedNanos = now;
        } else if (finished || now - lastPublishedNanos >= UPDATE_INTERVAL_NANOS) {
            publish.accept(new OutputEvent.UpdateDisplay(displayId, bundle(stage, done, total)));
            lastPublishedNanos = now;
        }
        lastDone = done;
        if (finished) {
            displayId = null; // whatever comes next is another step, even under the same name
        }
    }

    /** The output for {@code done} of {@code total}: a line of text, and an HTML bar with that line. */
    static Map<String, Object> bundle(String stage, long done, long total) {
        String text = total > 0
                ? String.format(Locale.ROOT, "%s: %d/%d (%d%%)", stage, done, total, 100 * done / total)
                : stage + ": " + done;
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("text/html", "<div><progress value=\"" + Math.max(0, done) + "\" max=\"" + Math.max(1, total)
                + "\" style=\"width:20em\"></progress> <span>" + Display.escape(text) + "</span></div>");
        bundle.put("text/plain", text);
        return bundle;
    }
}
