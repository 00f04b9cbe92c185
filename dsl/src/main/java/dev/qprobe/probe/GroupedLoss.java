package dev.qprobe.probe;

/**
 * What a backend needs from a training objective: the rows split into groups whose loss depends
 * only on the scores of their own rows (one row for MSE, a chunk of k candidates for the policy
 * gradient, one prompt's pairs for Bradley-Terry). Because a group is small, a backend can score
 * its rows and push the gradient back while the rows are still in cache.
 *
 * <p>A group's loss is a sum over units (samples, chunks or pairs: what the objective averages
 * over). The loss is available twice: as code ({@link #lossAndScoreGradient}) for backends that
 * score in Java, and as data ({@link #form()} and {@link #units}) for backends that evaluate it in
 * their own math. Both describe the same function.
 */
public interface GroupedLoss {
    int groupCount();

    /** Row indices (into the feature matrix) of one group; shared, callers must not modify it. */
    int[] rows(int group);

    /**
     * The loss of one group, summed over its units, for scores {@code q} of its rows; writes
     * d loss / d q into {@code dq}. Both arrays have {@code rows(group).length} entries.
     */
    double lossAndScoreGradient(int group, float[] q, float[] dq);

    /** The units of one group, each as positions into {@link #rows(int)}; shared, callers must not modify it. */
    int[][] units(int group);

    /** The number of units of one group. */
    default int unitCount(int group) {
        return units(group).length;
    }

    /** The term each unit contributes, as data. */
    LossForm form();
}
