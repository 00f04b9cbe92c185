package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import java.util.Locale;

/** Why a training loss stopped being finite, and what to do about it. */
final class Divergence {
    /** Above this a squared error or a softmax weight overflows or swamps float arithmetic. */
    private static final double HUGE = 1e6;

    private Divergence() {
    }

    /**
     * The advice for a loss that became {@code loss}: huge rewards or (unstandardized) features
     * overflow however small the learning rate, so they are named first; otherwise the step size.
     */
    static String advice(Objective objective, double loss, int epoch, SampleSet train, TrainerConfig config) {
        String head = objective.name() + " loss became " + loss + " at epoch " + epoch + ": ";
        double reward = 0;
        int rewardRow = 0;
        for (int r = 0; r < train.size(); r++) {
            if (Math.abs(train.reward(r)) > reward) {
                reward = Math.abs(train.reward(r));
                rewardRow = r;
            }
        }
        if (reward > HUGE) {
            return head + String.format(Locale.ROOT, "rewards are huge (|r| = %.3g at row %d, prompt %s) and the "
                    + "loss overflows; rescale the rewards (e.g. to [0, 1])", reward, rewardRow, train.promptId(rewardRow));
        }
        if (!config.standardize()) {
            double feature = 0;
            for (int r = 0; r < train.size(); r++) {
                for (float x : train.features().row(r)) {
                    feature = Math.max(feature, Math.abs(x));
                }
            }
            if (feature > HUGE) {
                return head + String.format(Locale.ROOT, "features are huge (|x| up to %.3g) and not standardized, so "
                        + "scores overflow; standardize them (withStandardize(true)) or rescale them", feature);
            }
        }
        return head + "lower the learning rate (now " + config.learningRate() + ")";
    }
}
