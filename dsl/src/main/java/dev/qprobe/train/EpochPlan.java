package dev.qprobe.train;

import dev.qprobe.probe.GroupedLoss;

/**
 * One epoch's grouping of the training rows and the loss of each group. {@code units} counts what
 * the objective averages over (samples, chunks or pairs), so a batch's loss is its summed group
 * losses divided by its summed units.
 */
public final class EpochPlan implements GroupedLoss {
    /** The loss of one group: returns the summed loss, writes d loss / d q into dq. */
    @FunctionalInterface
    public interface GroupLoss {
        double apply(int group, float[] q, float[] dq);
    }

    private final int[][] groups;
    private final int[] units;
    private final GroupLoss loss;

    public EpochPlan(int[][] groups, int[] units, GroupLoss loss) {
        if (groups.length != units.length) {
            throw new IllegalArgumentException("groups and units differ in length");
        }
        this.groups = groups;
        this.units = units;
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

    public int units(int group) {
        return units[group];
    }

    @Override
    public double lossAndScoreGradient(int group, float[] q, float[] dq) {
        return loss.apply(group, q, dq);
    }
}
