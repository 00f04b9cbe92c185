package dev.qprobe.train;

/** AdamW with decoupled weight decay, as in Loshchilov and Hutter; moments kept in double. */
final class AdamW {
    private final TrainerConfig config;
    private final double[] m;
    private final double[] v;
    private int step;

    AdamW(TrainerConfig config, int parameterCount) {
        this.config = config;
        this.m = new double[parameterCount];
        this.v = new double[parameterCount];
    }

    /** One update of {@code params} in place from gradient {@code grad}. */
    void step(float[] params, double[] grad) {
        step++;
        double b1 = config.momentDecay1();
        double b2 = config.momentDecay2();
        double lr = config.learningRate();
        double decay = 1 - lr * config.weightDecay();
        double c1 = 1 - Math.pow(b1, step);
        double c2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < params.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * grad[i];
            v[i] = b2 * v[i] + (1 - b2) * grad[i] * grad[i];
            double update = (m[i] / c1) / (Math.sqrt(v[i] / c2) + config.eps());
            params[i] = (float) (params[i] * decay - lr * update);
        }
    }
}
