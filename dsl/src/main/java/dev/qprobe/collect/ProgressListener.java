package dev.qprobe.collect;

/** Hears how far a long step (sampling, embedding) has got. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (stage, done, total) -> { };

    /** {@code done} of {@code total} units of {@code stage} are finished. */
    void onProgress(String stage, long done, long total);
}
