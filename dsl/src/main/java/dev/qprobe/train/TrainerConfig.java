package dev.qprobe.train;

import dev.qprobe.probe.AdamW;
import dev.qprobe.probe.Backend;

/**
 * Hyper-parameters of probe training with AdamW.
 *
 * @param learningRate step size
 * @param weightDecay  decoupled weight decay (AdamW), applied to every parameter
 * @param momentDecay1 first-moment decay
 * @param momentDecay2 second-moment decay
 * @param eps          added to the root of the second moment
 * @param epochs       passes over the training set
 * @param batchSize    samples per optimizer step (whole groups are kept together); 0 = full batch
 * @param seed         seeds initialisation, PG chunking and batch order
 * @param standardize  standardize features with the training set's mean and standard deviation
 * @param backend      where probe math runs: {@link Backend#auto()} (DJL on a GPU when one is visible, else the CPU)
 */
public record TrainerConfig(double learningRate, double weightDecay, double momentDecay1, double momentDecay2, double eps,
                            int epochs, int batchSize, long seed, boolean standardize, Backend backend) {

    public TrainerConfig {
        requireFinitePositive(learningRate, "learningRate");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(momentDecay1 >= 0 && momentDecay1 < 1) || !(momentDecay2 >= 0 && momentDecay2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + momentDecay1 + ", " + momentDecay2);
        }
        requireFinitePositive(eps, "eps");
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        java.util.Objects.requireNonNull(backend, "backend");
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be >= 1, or 0 for full batch; got " + batchSize);
        }
    }

    private static void requireFinitePositive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
    }

    /** lr 1e-3, weight decay 0.01, moment decays (0.9, 0.999), eps 1e-8, 150 epochs, full batch, seed 0, standardized, backend auto. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(1e-3, 0.01, 0.9, 0.999, 1e-8, 150, 0, 0L, true, Backend.auto());
    }

    /**
     * The reference code's settings (likenneth/q_probe): AdamW with lr 5e-5, weight decay 0,
     * moment decays (0.9, 0.999), eps 1e-8, 150 epochs, mini-batches of 1,000 samples, seed 0, raw
     * (not standardized) features, backend auto. Pair it with {@code Objective.pg(10, 1.0)} for its
     * PG (chunks of k_train = 10 at training temperature 1).
     */
    public static TrainerConfig paper() {
        return new TrainerConfig(5e-5, 0, 0.9, 0.999, 1e-8, 150, 1000, 0L, false, Backend.auto());
    }

    public TrainerConfig withLearningRate(double v) {
        return new TrainerConfig(v, weightDecay, momentDecay1, momentDecay2, eps, epochs, batchSize, seed, standardize, backend);
    }

    public TrainerConfig withWeightDecay(double v) {
        return new TrainerConfig(learningRate, v, momentDecay1, momentDecay2, eps, epochs, batchSize, seed, standardize, backend);
    }

    public TrainerConfig withMomentDecays(double b1, double b2) {
        return new TrainerConfig(learningRate, weightDecay, b1, b2, eps, epochs, batchSize, seed, standardize, backend);
    }

    public TrainerConfig withEps(double v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, v, epochs, batchSize, seed, standardize, backend);
    }

    public TrainerConfig withEpochs(int v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, eps, v, batchSize, seed, standardize, backend);
    }

    public TrainerConfig withBatchSize(int v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, eps, epochs, v, seed, standardize, backend);
    }

    public TrainerConfig withSeed(long v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, eps, epochs, batchSize, v, standardize, backend);
    }

    public TrainerConfig withStandardize(boolean v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, eps, epochs, batchSize, seed, v, backend);
    }

    /** Trains on {@code v}, e.g. {@code Backend.djl("gpu(0)")} or {@code Backend.cpu()}. */
    public TrainerConfig withBackend(Backend v) {
        return new TrainerConfig(learningRate, weightDecay, momentDecay1, momentDecay2, eps, epochs, batchSize, seed, standardize, v);
    }

    /** The optimizer these settings describe. */
    public AdamW adamW() {
        return new AdamW(learningRate, weightDecay, momentDecay1, momentDecay2, eps);
    }
}
