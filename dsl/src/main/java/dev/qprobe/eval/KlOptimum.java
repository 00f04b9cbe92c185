package dev.qprobe.eval;

import dev.qprobe.data.SampleSet;
import java.util.Objects;

/**
 * The KL-regularised optimum pi*(y | x) proportional to pi0(y | x) exp(Q(x, y) / beta), the
 * maximiser of E_pi[Q] - beta KL(pi || pi0), to which softmax(Q / beta) selection among k samples
 * converges as k grows. Estimated per prompt by self-normalised importance sampling over the
 * prompt's samples from pi0: weights w_i = exp(Q_i / beta) / sum_j exp(Q_j / beta), so
 * E_pi*[r] = sum_i w_i r_i and KL(pi* || pi0) = sum_i w_i Q_i / beta - log mean_i exp(Q_i / beta).
 * Reported as means over prompts with 95% bootstrap intervals, with the effective sample size
 * 1 / sum_i w_i^2 (how many samples the estimate really rests on).
 *
 * @param beta           the temperature (> 0)
 * @param reward         E_pi*[r]
 * @param kl             KL(pi* || pi0)
 * @param effectiveSize  mean over prompts of the effective sample size
 */
public record KlOptimum(double beta, Estimate reward, Estimate kl, double effectiveSize) {

    /**
     * Estimates the optimum for a probe's scores on held-out samples of pi0 (use many per prompt,
     * e.g. 1,000: a small beta puts the weight on few samples).
     *
     * @throws IllegalArgumentException for beta not finite and > 0, scores of the wrong length or not finite
     */
    public static KlOptimum estimate(SampleSet set, double[] scores, double beta, int bootstrapSamples, long seed) {
        Objects.requireNonNull(set, "set");
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("the optimum needs a finite beta > 0, got " + beta
                    + " (beta = 0 is argmax: pi* is then the best completion, not a distribution to sample)");
        }
        if (scores.length != set.size()) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries but the set has " + set.size());
        }
        int prompts = set.promptCount();
        double[] reward = new double[prompts];
        double[] kl = new double[prompts];
        double ess = 0;
        for (int p = 0; p < prompts; p++) {
            int[] rows = set.rowsOfPrompt(p);
            double max = Double.NEGATIVE_INFINITY;
            for (int row : rows) {
                if (!Double.isFinite(scores[row])) {
                    throw new IllegalArgumentException("score " + scores[row] + " at row " + row + " is not finite");
                }
                max = Math.max(max, scores[row] / beta);
            }
            double z = 0;
            double wr = 0;
            double wq = 0;
            double w2 = 0;
            for (int row : rows) {
                double w = Math.exp(scores[row] / beta - max);
                z += w;
                wr += w * set.reward(row);
                wq += w * scores[row] / beta;
                w2 += w * w;
            }
            reward[p] = wr / z;
            // log mean_i exp(Q_i / beta) = max + log(z / n)
            kl[p] = Math.max(0, wq / z - (max + Math.log(z / rows.length)));
            ess += z * z / w2;
        }
        return new KlOptimum(beta, Evaluation.bootstrapMean(reward, bootstrapSamples, seed),
                Evaluation.bootstrapMean(kl, bootstrapSamples, seed + 1), ess / prompts);
    }
}
