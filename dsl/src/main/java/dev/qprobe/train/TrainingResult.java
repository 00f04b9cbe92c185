package dev.qprobe.train;

import dev.qprobe.probe.Probe;

/**
 * A trained probe with what produced it and how the loss went.
 *
 * @param lossCurve mean training loss of each epoch, measured before that epoch's updates
 */
public record TrainingResult(Probe probe, String objective, TrainerConfig config, String backend,
                             double[] lossCurve, double seconds) {

    public double finalLoss() {
        return lossCurve[lossCurve.length - 1];
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "TrainingResult[%s %s, %d epochs, loss %.5g -> %.5g, %.2f s]",
                objective, probe.spec(), lossCurve.length, lossCurve[0], finalLoss(), seconds);
    }
}
