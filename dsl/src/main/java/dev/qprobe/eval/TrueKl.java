package dev.qprobe.eval;

import dev.qprobe.data.SampleSet;
import dev.qprobe.select.Selection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The KL divergence KL(pi_k || pi0) between the completions a Q-probe returns (draw k from pi0,
 * select by softmax(Q / beta)) and the base model's own, over distinct completions.
 *
 * <p>What the evaluation table reports next to each reward is the <em>selection KL bound</em>:
 * the KL of the selection distribution over the k indices from uniform, log k - H(p). It treats
 * every sample as a different completion; when the base model repeats itself (the same right
 * answer drawn many times), several indices are one completion and the true KL is smaller.
 *
 * <p>Estimate, for each prompt: pi_k(y) = pi0(y) rho(y), where rho(y) = k E[p_i | y_i = y] is k
 * times the mean selection probability that an occurrence of y gets in a chunk. rho is estimated by
 * pooling every occurrence of y over the prompt's chunks and repeats; pi0(y) is the base model's
 * exact probability of y (from its log-probabilities under the sampling temperature and top-p).
 * KL = sum_y pi_k(y) log rho(y), normalised over the distinct completions seen. At k = 1, or with
 * beta = infinity, rho = 1 and the KL is exactly 0. The reported value is the mean over prompts
 * with a 95% bootstrap interval over prompts.
 */
public final class TrueKl {
    private TrueKl() {
    }

    /**
     * The KL estimate of each (k, beta) of the grid, averaged over prompts.
     *
     * @param set    candidates with their completion texts, grouped by prompt
     * @param scores the probe's score of each row
     * @param logPi0 log pi0(completion | prompt) of each row, as sampled (temperature, top-p)
     * @return {@code [k index][beta index]}
     * @throws IllegalArgumentException when a completion text is missing, the arrays do not match
     *                                  the set, a log-probability is not finite or differs between
     *                                  two copies of one completion, or as the evaluation protocol does
     */
    public static Estimate[][] estimate(SampleSet set, double[] scores, double[] logPi0, EvaluationGrid grid) {
        Objects.requireNonNull(logPi0, "logPi0");
        if (logPi0.length != set.size()) {
            throw new IllegalArgumentException("logPi0 has " + logPi0.length + " entries but the set has " + set.size()
                    + " rows");
        }
        Evaluation.rewardsPerPrompt(set, scores, grid.withBootstrapSamples(0));  // validates scores, k and beta
        int[] ks = grid.ks();
        double[] betas = grid.betas();
        int prompts = set.promptCount();
        double[][][] perPrompt = new double[ks.length][betas.length][prompts];
        SplittableRandom shuffles = new SplittableRandom(grid.seed()).split();
        for (int p = 0; p < prompts; p++) {
            int[] rows = set.rowsOfPrompt(p);
            int n = rows.length;
            Map<String, Integer> distinct = new HashMap<>();
            int[] id = new int[n];
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                String text = set.completion(rows[i]);
                if (text == null) {
                    throw new IllegalArgumentException("row " + rows[i] + " (prompt '" + set.promptId(rows[i])
                            + "') has no completion text: the true KL compares completions by their text");
                }
                q[i] = scores[rows[i]];
                id[i] = distinct.computeIfAbsent(text, t -> distinct.size());
            }
            double[] logP = new double[distinct.size()];
            boolean[] seen = new boolean[distinct.size()];
            for (int i = 0; i < n; i++) {
                double lp = logPi0[rows[i]];
                if (!Double.isFinite(lp)) {
                    throw new IllegalArgumentException("log pi0 " + lp + " at row " + rows[i] + " (prompt '"
                            + set.promptId(rows[i]) + "'): every sampled completion has a finite log-probability");
                }
                if (seen[id[i]] && Math.abs(logP[id[i]] - lp) > 1e-3 * Math.max(1, Math.abs(lp))) {
                    throw new IllegalArgumentException("rows of one completion of prompt '" + set.promptId(rows[i])
                            + "' have different log pi0: " + logP[id[i]] + " and " + lp);
                }
                seen[id[i]] = true;
                logP[id[i]] = lp;
            }
            SplittableRandom rng = shuffles.split();
            double[][][] mass = new double[ks.length][betas.length][distinct.size()];
            int[][] count = new int[ks.length][distinct.size()];
            int[] order = new int[n];
            double[] probs = new double[ks[ks.length - 1]];
            for (int rep = 0; rep < grid.repeats(); rep++) {
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int ki = 0; ki < ks.length; ki++) {
                    int k = ks[ki];
                    for (int c = 0; c + k <= n; c += k) {
                        for (int i = 0; i < k; i++) {
                            count[ki][id[order[c + i]]]++;
                        }
                        for (int bi = 0; bi < betas.length; bi++) {
                            Selection.probabilities(q, order, c, k, betas[bi], probs);
                            for (int i = 0; i < k; i++) {
                                mass[ki][bi][id[order[c + i]]] += probs[i];
                            }
                        }
                    }
                }
            }
            for (int ki = 0; ki < ks.length; ki++) {
                for (int bi = 0; bi < betas.length; bi++) {
                    perPrompt[ki][bi][p] = klOfPrompt(ks[ki], mass[ki][bi], count[ki], logP);
                }
            }
        }
        Estimate[][] out = new Estimate[ks.length][betas.length];
        for (int ki = 0; ki < ks.length; ki++) {
            for (int bi = 0; bi < betas.length; bi++) {
                out[ki][bi] = Evaluation.bootstrapMean(perPrompt[ki][bi], grid.bootstrapSamples(), grid.seed() + ki * 31L + bi);
            }
        }
        return out;
    }

    /** sum_y pi0(y) rho(y) log rho(y) / sum_y pi0(y) rho(y) over the completions seen, rho = k * mean selection probability. */
    private static double klOfPrompt(int k, double[] mass, int[] count, double[] logP) {
        double maxLog = Double.NEGATIVE_INFINITY;
        for (int d = 0; d < logP.length; d++) {
            if (count[d] > 0) {
                maxLog = Math.max(maxLog, logP[d]);
            }
        }
        double norm = 0;
        double sum = 0;
        for (int d = 0; d < logP.length; d++) {
            if (count[d] == 0 || mass[d] == 0) {
                continue;
            }
            double rho = k * mass[d] / count[d];
            double weight = Math.exp(logP[d] - maxLog) * rho;  // pi0 rescaled: the normalisation cancels it
            norm += weight;
            sum += weight * Math.log(rho);
        }
        return norm == 0 ? 0 : Math.max(0, sum / norm);
    }
}
