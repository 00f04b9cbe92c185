package dev.qprobe.dsl;

import dev.qprobe.collect.ProgressListener;
import dev.qprobe.train.TrainingListener;
import java.util.Objects;

/**
 * Where the DSL's long steps report progress when the user named no listener: sampling and
 * embedding of an {@link Experiment} without {@link Experiment#progress}, and probe training by
 * {@link Features#probe(dev.qprobe.train.Objective...)} and the other {@code probe} methods
 * without a {@link TrainingListener}.
 *
 * <p>Process-wide and {@link ProgressListener#NONE} unless set, so a console program or a plain
 * JShell prints nothing it did not ask for. A host that can show progress sets it once: the
 * Jupyter kernel's engine does, at start-up, to show one updating output per cell. A listener the
 * user passes always wins over this default.
 *
 * <p>Training reports through the same listener, one stage per probe, e.g. {@code "training PG
 * probe (150 epochs)"}, counting epochs from 0 (reported before the first) to the last.
 */
public final class DefaultProgress {
    private static volatile ProgressListener listener = ProgressListener.NONE;

    private DefaultProgress() {
    }

    /** The listener the DSL reports to when the user named none. */
    public static ProgressListener get() {
        return listener;
    }

    /** Makes {@code progress} the default from now on ({@link ProgressListener#NONE} turns it off again). */
    public static void set(ProgressListener progress) {
        listener = Objects.requireNonNull(progress, "progress");
    }

    /**
     * A training listener that reports the epochs of one probe's training to the default as a
     * stage of its own, having reported epoch 0 of {@code epochs}.
     */
    static TrainingListener training(String objective, int epochs) {
        ProgressListener progress = listener;
        if (progress == ProgressListener.NONE) {
            return TrainingListener.NONE;
        }
        String stage = "training " + objective + " probe (" + epochs + " epochs)";
        progress.onProgress(stage, 0, epochs);
        return (epoch, total, loss) -> progress.onProgress(stage, epoch, total);
    }
}
