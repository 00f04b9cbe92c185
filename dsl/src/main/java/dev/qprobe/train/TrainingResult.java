package dev.qprobe.train;

import dev.qprobe.probe.Probe;

/**
 * A trained probe with what produced it and how the loss went.
 *
 * @param lossCurve mean training loss of each epoch, measured before that epoch's updates (a copy
 *                  is kept, and the accessor hands out a copy)
 */
public record TrainingResult(Probe probe, Objective objective, TrainerConfig config, String backend,
                             double[] lossCurve, double seconds) {

    public TrainingResult {
        if (lossCurve.length == 0) {
            throw new IllegalArgumentException("a loss curve has at least one epoch");
        }
        lossCurve = lossCurve.clone();
    }

    @Override
    public double[] lossCurve() {
        return lossCurve.clone();
    }

    /** The mean loss of the first epoch. */
    public double firstLoss() {
        return lossCurve[0];
    }

    public double finalLoss() {
        return lossCurve[lossCurve.length - 1];
    }

    /** Epochs trained. */
    public int epochs() {
        return lossCurve.length;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "TrainingResult[%s %s, %d epochs, loss %.5g -> %.5g, %.2f s]",
                objective.name(), probe.spec(), lossCurve.length, lossCurve[0], finalLoss(), seconds);
    }
}
