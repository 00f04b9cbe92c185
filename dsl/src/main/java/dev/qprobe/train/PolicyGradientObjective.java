package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.LossForm;
import java.util.ArrayList;
import java.util.Arrays;
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
        // One group per prompt, its rows in ascending order so a backend streams them
        // sequentially; the epoch's random chunks are index lists into the group.
        List<int[]> groups = new ArrayList<>();
        List<int[][]> chunksOfGroup = new ArrayList<>();
        for (int p = 0; p < train.promptCount(); p++) {
            int[] rows = train.rowsOfPrompt(p);
            int chunks = rows.length / kTrain;
            if (chunks == 0) {
                continue;
            }
            int[] order = new int[rows.length];
            Arrays.setAll(order, i -> i);
            Plans.shuffle(order, rng);
            int[] used = Arrays.copyOf(order, chunks * kTrain);
            Arrays.sort(used);
            int[] position = new int[rows.length];
            int[] groupRows = new int[used.length];
            for (int i = 0; i < used.length; i++) {
                position[used[i]] = i;
                groupRows[i] = rows[used[i]];
            }
            int[][] chunkMembers = new int[chunks][kTrain];
            for (int c = 0; c < chunks; c++) {
                for (int i = 0; i < kTrain; i++) {
                    chunkMembers[c][i] = position[order[c * kTrain + i]];
                }
            }
            groups.add(groupRows);
            chunksOfGroup.add(chunkMembers);
        }
        int[][] groupArray = groups.toArray(int[][]::new);
        LossForm form = new LossForm(LossForm.Kind.SOFTMAX_REWARD, betaTrain, train.rewards());
        return new EpochPlan(groupArray, chunksOfGroup.toArray(int[][][]::new), form, (g, q, dq) -> {
            int[] rows = groupArray[g];
            double loss = 0;
            for (int[] chunk : chunksOfGroup.get(g)) {
                loss += chunkLoss(chunk, rows, train, q, dq);
            }
            return loss;
        });
    }

    /** -sum_i softmax(q / beta)_i r_i over one chunk, writing its score gradient into dq. */
    private double chunkLoss(int[] chunk, int[] rows, SampleSet train, float[] q, float[] dq) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i : chunk) {
            max = Math.max(max, q[i] / betaTrain);
        }
        double[] p = new double[chunk.length];
        double z = 0;
        for (int c = 0; c < chunk.length; c++) {
            p[c] = Math.exp(q[chunk[c]] / betaTrain - max);
            z += p[c];
        }
        double expected = 0;
        for (int c = 0; c < chunk.length; c++) {
            p[c] /= z;
            expected += p[c] * train.reward(rows[chunk[c]]);
        }
        // d/dq_i of -sum_j p_j r_j = -(p_i / beta) (r_i - sum_j p_j r_j)
        for (int c = 0; c < chunk.length; c++) {
            dq[chunk[c]] = (float) (-p[c] / betaTrain * (train.reward(rows[chunk[c]]) - expected));
        }
        return -expected;
    }

    @Override
    public String toString() {
        return name();
    }
}
