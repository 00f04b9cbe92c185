package dev.qprobe.kernel.engine;

import dev.qprobe.collect.ProgressListener;
import dev.qprobe.dsl.DefaultProgress;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Sends the DSL's progress from the engine to the kernel as {@link OutputEvent.Progress}
 * reports; the kernel shows a cell's reports as one output that updates (see
 * {@code dev.qprobe.kernel.eval.CellProgress}). So that a step reporting each of 100,000 units
 * does not flood the channel, a step's reports pass at most {@value #REPORTS_PER_SECOND} times
 * a second, and always its first (a new stage, or the same stage again from a lower count or
 * after it finished) and its last (done reaches total).
 */
public final class NotebookProgress implements ProgressListener {
    static final int REPORTS_PER_SECOND = 4;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L / REPORTS_PER_SECOND;

    private final Consumer<OutputEvent> publish;
    private final LongSupplier nanoClock;
    /** The stage under way, or null between steps. */
    private String stage;
    private long lastDone;
    private long lastSentNanos;

    /**
     * @param publish   sends a report to the kernel
     * @param nanoClock the time in nanoseconds, as {@link System#nanoTime}
     */
    NotebookProgress(Consumer<OutputEvent> publish, LongSupplier nanoClock) {
        this.publish = publish;
        this.nanoClock = nanoClock;
    }

    /** Makes the kernel the DSL's {@link DefaultProgress}: what the kernel's engine runs at start-up. */
    public static void install() {
        DefaultProgress.set(new NotebookProgress(Notebook::publish, System::nanoTime));
    }

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        long now = nanoClock.getAsLong();
        boolean finished = done >= total;
        if (!stage.equals(this.stage) || done < lastDone || finished
                || now - lastSentNanos >= REPORT_INTERVAL_NANOS) {
            publish.accept(new OutputEvent.Progress(stage, done, total));
            lastSentNanos = now;
        }
        this.stage = finished ? null : stage; // whatever comes next is another step, even under the same name
        lastDone = done;
    }
}
