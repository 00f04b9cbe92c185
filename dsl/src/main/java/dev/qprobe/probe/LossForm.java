package dev.qprobe.probe;

/**
 * A training objective written as data rather than code, so that a backend can evaluate it in its
 * own math (on a GPU, say) instead of calling back into Java for every group. The loss of a group
 * is the sum over its units (see {@link GroupedLoss#units}) of one term, a function of the scores
 * q of the unit's rows:
 * <ul>
 *   <li>{@link Kind#SQUARED_ERROR}: (q - r)^2, one row per unit;</li>
 *   <li>{@link Kind#BINARY_CROSS_ENTROPY}: softplus(q) - r q, one row per unit;</li>
 *   <li>{@link Kind#SOFTMAX_REWARD}: -sum_i softmax(q / temperature)_i r_i over the unit's rows;</li>
 *   <li>{@link Kind#BRADLEY_TERRY}: softplus(-(q_chosen - q_rejected)), units of two rows, chosen first.</li>
 * </ul>
 *
 * @param rewards r of every row of the feature matrix (shared: callers must not modify it)
 * @param temperature the softmax temperature of {@link Kind#SOFTMAX_REWARD}; 1 for the others
 */
public record LossForm(Kind kind, double temperature, double[] rewards) {

    public enum Kind { SQUARED_ERROR, BINARY_CROSS_ENTROPY, SOFTMAX_REWARD, BRADLEY_TERRY }

    public LossForm {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
    }
}
