package dev.qprobe.train;

/**
 * Hyper-parameters of probe training with AdamW.
 *
 * @param learningRate step size
 * @param weightDecay  decoupled weight decay (AdamW), applied to every parameter
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay
 * @param eps          added to the root of the second moment
 * @param epochs       passes over the training set
 * @param batchSize    samples per optimizer step (whole groups are kept together); 0 = full batch
 * @param seed         seeds initialisation, PG chunking and batch order
 * @param standardize  standardize features with the training set's mean and standard deviation
 */
public record TrainerConfig(double learningRate, double weightDecay, double beta1, double beta2, double eps,
                            int epochs, int batchSize, long seed, boolean standardize) {

    public TrainerConfig {
        requireFinitePositive(learningRate, "learningRate");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        requireFinitePositive(eps, "eps");
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 1, or 0 for full batch; got " + batchSize);
        }
    }

    private static void requireFinitePositive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    /** lr 1e-3, weight decay 0.01, betas (0.9, 0.999), eps 1e-8, 150 epochs, full batch, seed 0, standardized. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(1e-3, 0.01, 0.9, 0.999, 1e-8, 150, 0, 0L, true);
    }

    /**
     * The reference code's settings (likenneth/q_probe): AdamW with lr 5e-5, weight decay 0,
     * betas (0.9, 0.999), eps 1e-8, 150 epochs, mini-batches of 1,000 samples, seed 0, raw (not
     * standardized) features. Pair it with {@code Objective.pg(10, 1.0)} for its PG (chunks of
     * k_train = 10 at beta_train = 1).
     */
    public static TrainerConfig paper() {
        return new TrainerConfig(5e-5, 0, 0.9, 0.999, 1e-8, 150, 1000, 0L, false);
    }

    public TrainerConfig withLearningRate(double v) {
        return new TrainerConfig(v, weightDecay, beta1, beta2, eps, epochs, batchSize, seed, standardize);
    }

    public TrainerConfig withWeightDecay(double v) {
        return new TrainerConfig(learningRate, v, beta1, beta2, eps, epochs, batchSize, seed, standardize);
    }

    public TrainerConfig withBetas(double b1, double b2) {
        return new TrainerConfig(learningRate, weightDecay, b1, b2, eps, epochs, batchSize, seed, standardize);
    }

    public TrainerConfig withEps(double v) {
        return new TrainerConfig(learningRate, weightDecay, beta1, beta2, v, epochs, batchSize, seed, standardize);
    }

    public TrainerConfig withEpochs(int v) {
        return new TrainerConfig(learningRate, weightDecay, beta1, beta2, eps, v, batchSize, seed, standardize);
    }

    public TrainerConfig withBatchSize(int v) {
        return new TrainerConfig(learningRate, weightDecay, beta1, beta2, eps, epochs, v, seed, standardize);
    }

    public TrainerConfig withSeed(long v) {
        return new TrainerConfig(learningRate, weightDecay, beta1, beta2, eps, epochs, batchSize, v, standardize);
    }

    public TrainerConfig withStandardize(boolean v) {
        return new TrainerConfig(learningRate, weightDecay, beta1, beta2, eps, epochs, batchSize, seed, v);
    }
}
