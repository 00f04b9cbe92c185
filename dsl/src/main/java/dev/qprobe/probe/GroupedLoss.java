package dev.qprobe.probe;

/**
 * What a backend needs from a training objective: the rows split into groups whose loss depends
 * only on the scores of their own rows (one row for MSE, a chunk of k candidates for the policy
 * gradient, one prompt's pairs for Bradley-Terry). Because a group is small, a backend can score
 * its rows and push the gradient back while the rows are still in cache.
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
}
