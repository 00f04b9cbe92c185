package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The importance-weighted policy-gradient objective: -mean over chunks of
 * sum_i softmax(Q / beta)_i r_i, with each prompt's candidates reshuffled into chunks of k_train
 * every epoch; a prompt's leftover candidates (fewer than k_train) sit that epoch out.
 * Adding a constant to every reward leaves the gradient unchanged: the softmax weights sum to one.
 */
final class PolicyGradientObjective implements Objective {
    private final int kTrain;
    private final double betaTrain;

    PolicyGradientObjective(int kTrain, double betaTrain) {
        if (kTrain < 2) {
            throw new IllegalArgumentException("PG needs k_train >= 2 candidates per chunk to compare, got " + kTrain);
        }
        if (!(betaTrain > 0) || Double.isInfinite(betaTrain)) {
            throw new IllegalArgumentException("PG needs a finite beta_train > 0, got " + betaTrain);
        }
        this.kTrain = kTrain;
        this.betaTrain = betaTrain;
    }

    @Override
    public String name() {
        return "PG(k=" + kTrain + ",beta=" + Plans.format(betaTrain) + ")";
    }

    @Override
    public void validate(SampleSet train) {
        Plans.requireNonEmpty(train, name());
        for (int p = 0; p < train.promptCount(); p++) {
            if (train.rowsOfPrompt(p).length >= kTrain) {
                return;
            }
        }
        throw new IllegalArgumentException(name() + " needs prompts with at least k_train = " + kTrain
                + " candidates, but no training prompt has that many: sample more per prompt or lower k_train");
    }

    @Override
    public boolean reshufflesEachEpoch() {
        return true;
    }

    @Override
    public EpochPlan plan(SampleSet train, RandomGenerator rng) {
        validate(train);
        List<int[]> chunks = new ArrayList<>();
        for (int p = 0; p < train.promptCount(); p++) {
            int[] rows = train.rowsOfPrompt(p);
            Plans.shuffle(rows, rng);
            for (int at = 0; at + kTrain <= rows.length; at += kTrain) {
                int[] chunk = new int[kTrain];
                System.arraycopy(rows, at, chunk, 0, kTrain);
                chunks.add(chunk);
            }
        }
        int[][] groups = chunks.toArray(int[][]::new);
        int[] units = new int[groups.length];
        java.util.Arrays.fill(units, 1);
        return new EpochPlan(groups, units, (g, q, dq) -> {
            int[] rows = groups[g];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : q) {
                max = Math.max(max, v / betaTrain);
            }
            double[] p = new double[q.length];
            double z = 0;
            for (int i = 0; i < q.length; i++) {
                p[i] = Math.exp(q[i] / betaTrain - max);
                z += p[i];
            }
            double expected = 0;
            for (int i = 0; i < q.length; i++) {
                p[i] /= z;
                expected += p[i] * train.reward(rows[i]);
            }
            // d/dq_i of -sum_j p_j r_j = -(p_i / beta) (r_i - sum_j p_j r_j)
            for (int i = 0; i < q.length; i++) {
                dq[i] = (float) (-p[i] / betaTrain * (train.reward(rows[i]) - expected));
            }
            return -expected;
        });
    }

    @Override
    public String toString() {
        return name();
    }
}
