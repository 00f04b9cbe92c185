package dev.qprobe.train;

/** Hears about training progress, e.g. to draw a progress bar. */
@FunctionalInterface
public interface TrainingListener {
    TrainingListener NONE = (epoch, epochs, loss) -> { };

    /** Called after each epoch (1-based) with that epoch's mean loss. */
    void onEpoch(int epoch, int epochs, double loss);
}
