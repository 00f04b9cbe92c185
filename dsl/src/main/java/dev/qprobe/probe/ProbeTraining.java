package dev.qprobe.probe;

/**
 * One probe being trained: its parameters and optimizer state, kept where the backend computes
 * (host memory, or a GPU), so that a step moves no parameters between devices.
 */
public interface ProbeTraining extends AutoCloseable {

    /**
     * One AdamW step on the given groups of {@code loss}: the gradient of their summed loss divided
     * by their summed units. Returns the summed loss before the update.
     */
    double step(GroupedLoss loss, int[] groups);

    /** A copy of the current parameters (layout in {@link ProbeSpec}). */
    float[] parameters();

    @Override
    void close();
}
