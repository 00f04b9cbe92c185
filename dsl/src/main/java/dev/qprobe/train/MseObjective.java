package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.LossForm;
import java.util.random.RandomGenerator;

/** Mean squared error between Q and the reward. */
final class MseObjective implements Objective {

    @Override
    public String name() {
        return "MSE";
    }

    @Override
    public void validate(SampleSet train) {
        Plans.requireNonEmpty(train, name());
    }

    @Override
    public EpochPlan plan(SampleSet train, RandomGenerator rng) {
        validate(train);
        int[][] groups = Plans.blocksWithinPrompts(train);
        LossForm form = new LossForm(LossForm.Kind.SQUARED_ERROR, 1, train.rewards());
        return new EpochPlan(groups, Plans.singleRowUnits(groups), form, (g, q, dq) -> {
            int[] rows = groups[g];
            double loss = 0;
            for (int i = 0; i < rows.length; i++) {
                double err = q[i] - train.reward(rows[i]);
                loss += err * err;
                dq[i] = (float) (2 * err);
            }
            return loss;
        });
    }

    @Override
    public String toString() {
        return name();
    }
}
