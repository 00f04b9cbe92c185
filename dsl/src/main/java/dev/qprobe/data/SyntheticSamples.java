package dev.qprobe.data;

import java.util.SplittableRandom;

/**
 * Generated candidates whose 0/1 reward depends on a hidden direction in feature space: the
 * setting in which a linear probe should recover best-of-k selection. Used by the demo, the
 * benchmark and the tests; no language model involved.
 *
 * <p>For prompt p with offset o_p and difficulty t_p, candidate features are x = o_p + z with
 * z ~ N(0, I), and the reward is 1 when u . z + noise * e > t_p for a fixed unit vector u and
 * e ~ N(0, 1). The offset makes prompts differ in feature space, the difficulty in success rate.
 */
public final class SyntheticSamples {
    private SyntheticSamples() {
    }

    /**
     * @param prompts    number of prompts
     * @param candidates candidates per prompt
     * @param dim        feature dimension
     * @param noise      standard deviation of the reward noise (0 = reward fully determined by u . z)
     * @param seed       seeds everything
     */
    public static SampleSet generate(int prompts, int candidates, int dim, double noise, long seed) {
        if (prompts < 1 || candidates < 1) {
            throw new IllegalArgumentException("need at least one prompt and one candidate, got "
                    + prompts + " x " + candidates);
        }
        FeatureMatrix.checkShape((long) prompts * candidates, dim, "synthetic samples");
        SplittableRandom rng = new SplittableRandom(seed);
        float[] u = new float[dim];
        double norm = 0;
        for (int j = 0; j < dim; j++) {
            u[j] = (float) rng.nextGaussian();
            norm += u[j] * u[j];
        }
        for (int j = 0; j < dim; j++) {
            u[j] /= (float) Math.sqrt(norm);
        }
        int n = prompts * candidates;
        float[] x = new float[n * dim];
        String[] ids = new String[n];
        String[] texts = new String[n];
        String[] completions = new String[n];
        double[] rewards = new double[n];
        float[] offset = new float[dim];
        for (int p = 0; p < prompts; p++) {
            for (int j = 0; j < dim; j++) {
                offset[j] = (float) (0.5 * rng.nextGaussian());
            }
            double difficulty = 0.5 + 0.5 * rng.nextGaussian();
            for (int c = 0; c < candidates; c++) {
                int row = p * candidates + c;
                int off = row * dim;
                double latent = 0;
                for (int j = 0; j < dim; j++) {
                    float z = (float) rng.nextGaussian();
                    latent += z * u[j];
                    x[off + j] = offset[j] + z;
                }
                ids[row] = "p" + p;
                texts[row] = "synthetic prompt " + p;
                completions[row] = "candidate " + c;
                rewards[row] = latent + noise * rng.nextGaussian() > difficulty ? 1.0 : 0.0;
            }
        }
        return SampleSet.of(ids, texts, completions, rewards, FeatureMatrix.wrap(x, n, dim, "synthetic samples"),
                java.util.List.of(), "synthetic samples");
    }
}
