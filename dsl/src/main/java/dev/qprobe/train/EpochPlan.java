package dev.qprobe.train;

import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.LossForm;

/**
 * One epoch's grouping of the training rows and the loss of each group, as code (for backends
 * that score in Java) and as data (a {@link LossForm} and each group's units, for backends that
 * evaluate it themselves). A batch's loss is its summed group losses divided by its summed units
 * (samples, chunks or pairs).
 */
public final class EpochPlan implements GroupedLoss {
    /** The loss of one group: returns the summed loss, writes d loss / d q into dq. */
    @FunctionalInterface
    public interface GroupLoss {
        double apply(int group, float[] q, float[] dq);
    }

    private final int[][] groups;
    private final int[][][] units;
    private final LossForm form;
    private final GroupLoss loss;

    /**
     * @param units for each group, its units as positions into that group's rows
     */
    public EpochPlan(int[][] groups, int[][][] units, LossForm form, GroupLoss loss) {
        if (groups.length != units.length) {
            throw new IllegalArgumentException("groups and units differ in length");
        }
        this.groups = groups;
        this.units = units;
        this.form = form;
        this.loss = loss;
    }

    @Override
    public int groupCount() {
        return groups.length;
    }

    @Override
    public int[] rows(int group) {
        return groups[group];
    }

    @Override
    public int[][] units(int group) {
        return units[group];
    }

    @Override
    public LossForm form() {
        return form;
    }

    @Override
    public double lossAndScoreGradient(int group, float[] q, float[] dq) {
        return loss.apply(group, q, dq);
    }
}
