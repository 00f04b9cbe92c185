package dev.qprobe.probe;

/**
 * AdamW (Loshchilov and Hutter) with PyTorch's update rule, the one every backend implements:
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
 *   p = p (1 - lr wd) - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * The decay is decoupled from the gradient and applies to every parameter.
 *
 * @param learningRate step size
 * @param weightDecay  decoupled weight decay
 * @param momentDecay1        first-moment decay
 * @param momentDecay2        second-moment decay
 * @param eps          added to the root of the second moment
 */
public record AdamW(double learningRate, double weightDecay, double momentDecay1, double momentDecay2, double eps) {

    /** The factor every parameter is multiplied by before the step. */
    public double decay() {
        return 1 - learningRate * weightDecay;
    }

    /** 1 - b1^t, the first moment's bias correction at step t (1-based). */
    public double firstCorrection(int step) {
        return 1 - Math.pow(momentDecay1, step);
    }

    /** 1 - b2^t, the second moment's bias correction at step t (1-based). */
    public double secondCorrection(int step) {
        return 1 - Math.pow(momentDecay2, step);
    }

    /** Step {@code step} (1-based) in place on the host, with moments {@code m} and {@code v} kept in double. */
    public void update(int step, float[] params, double[] grad, double[] m, double[] v) {
        double c1 = firstCorrection(step);
        double c2 = secondCorrection(step);
        double decay = decay();
        for (int i = 0; i < params.length; i++) {
            m[i] = momentDecay1 * m[i] + (1 - momentDecay1) * grad[i];
            v[i] = momentDecay2 * v[i] + (1 - momentDecay2) * grad[i] * grad[i];
            double update = (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
            params[i] = (float) (params[i] * decay - learningRate * update);
        }
    }
}
