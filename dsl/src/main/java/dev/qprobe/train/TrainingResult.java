package dev.qprobe.train;

import dev.qprobe.probe.Probe;
import java.util.Locale;
import java.util.Optional;

/**
 * A trained probe with what produced it and how the loss went.
 *
 * @param lossCurve    mean training loss of each epoch, accumulated over its mini-batches (a copy is
 *                     kept, and the accessor hands out a copy)
 * @param heldOutCurve the loss on held-out samples after each epoch; empty when none were given
 */
public record TrainingResult(Probe probe, Objective objective, TrainerConfig config, String backend,
                             double[] lossCurve, double[] heldOutCurve, double seconds) {
    /** A loss still falling by more than this share of its whole fall over the last tenth of the epochs is not converged. */
    static final double STILL_FALLING = 0.01;

    /** Without a held-out curve. */
    public TrainingResult(Probe probe, Objective objective, TrainerConfig config, String backend, double[] lossCurve,
                          double seconds) {
        this(probe, objective, config, backend, lossCurve, new double[0], seconds);
    }

    public TrainingResult {
        if (lossCurve.length == 0) {
            throw new IllegalArgumentException("a loss curve has at least one epoch");
        }
        if (heldOutCurve.length != 0 && heldOutCurve.length != lossCurve.length) {
            throw new IllegalArgumentException("held-out curve has " + heldOutCurve.length + " epochs, the training curve "
                    + lossCurve.length);
        }
        lossCurve = lossCurve.clone();
        heldOutCurve = heldOutCurve.clone();
    }

    @Override
    public double[] lossCurve() {
        return lossCurve.clone();
    }

    @Override
    public double[] heldOutCurve() {
        return heldOutCurve.clone();
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

    /** The held-out loss after the last epoch, or NaN without held-out samples. */
    public double finalHeldOutLoss() {
        return heldOutCurve.length == 0 ? Double.NaN : heldOutCurve[heldOutCurve.length - 1];
    }

    /**
     * A warning when training had not converged: the held-out loss (the training loss when there
     * is none) fell over the last 10% of epochs by more than 1% of its whole fall. Empty otherwise.
     */
    public Optional<String> convergenceWarning() {
        double[] curve = heldOutCurve.length > 0 ? heldOutCurve : lossCurve;
        String which = heldOutCurve.length > 0 ? "held-out" : "training";
        int epochs = curve.length;
        int window = Math.max(1, (int) Math.round(0.1 * epochs));
        if (epochs <= window) {
            return Optional.empty();
        }
        double end = curve[epochs - 1];
        double lastFall = curve[epochs - 1 - window] - end;
        double wholeFall = curve[0] - end;
        if (lastFall > 0 && lastFall > STILL_FALLING * Math.max(wholeFall, 0)) {
            return Optional.of(String.format(Locale.ROOT, "%s: the %s loss was still falling at the end of training"
                            + " (%.5g -> %.5g over the last %d of %d epochs, %.0f%% of its whole fall):"
                            + " train longer or with a larger learning rate (now %d epochs, lr %g)",
                    objective.name(), which, curve[epochs - 1 - window], end, window, epochs,
                    100 * lastFall / Math.max(wholeFall, lastFall), config.epochs(), config.learningRate()));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        String heldOut = heldOutCurve.length == 0 ? ""
                : String.format(Locale.ROOT, ", held-out %.5g", finalHeldOutLoss());
        return String.format(Locale.ROOT, "TrainingResult[%s %s, %d epochs, loss %.5g -> %.5g%s, %.2f s%s]",
                objective.name(), probe.spec(), lossCurve.length, lossCurve[0], finalLoss(), heldOut, seconds,
                convergenceWarning().isPresent() ? ", NOT CONVERGED" : "");
    }
}
