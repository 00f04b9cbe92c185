package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.LossForm;
import java.util.random.RandomGenerator;

/** Binary cross-entropy of sigmoid(Q) against rewards in [0, 1] (0/1 labels, or soft labels). */
final class CrossEntropyObjective implements Objective {

    @Override
    public String name() {
        return "CE";
    }

    @Override
    public void validate(SampleSet train) {
        Plans.requireNonEmpty(train, name());
        for (int i = 0; i < train.size(); i++) {
            double r = train.reward(i);
            if (r < 0 || r > 1) {
                throw new IllegalArgumentException("CE needs binary rewards (0/1, or probabilities in [0, 1]), "
                        + "but sample " + i + " has reward " + r + ": use MSE or PG for real-valued rewards");
            }
        }
    }

    @Override
    public EpochPlan plan(SampleSet train, RandomGenerator rng) {
        validate(train);
        int[][] groups = Plans.blocksWithinPrompts(train);
        LossForm form = new LossForm(LossForm.Kind.BINARY_CROSS_ENTROPY, 1, train.rewards());
        return new EpochPlan(groups, Plans.singleRowUnits(groups), form, (g, q, dq) -> {
            int[] rows = groups[g];
            double loss = 0;
            for (int i = 0; i < rows.length; i++) {
                double r = train.reward(rows[i]);
                // -[r log s(q) + (1 - r) log(1 - s(q))] = softplus(q) - r q, stable for any q.
                loss += Plans.softplus(q[i]) - r * q[i];
                dq[i] = (float) (Plans.sigmoid(q[i]) - r);
            }
            return loss;
        });
    }

    @Override
    public String toString() {
        return name();
    }
}
