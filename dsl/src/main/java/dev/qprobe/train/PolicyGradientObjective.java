package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.LossForm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The importance-weighted policy-gradient objective: -mean over chunks of
 * sum_i softmax(Q / T)_i r_i at training temperature T, with each prompt's candidates reshuffled into chunks of k_train
 * every epoch; a prompt's leftover candidates (fewer than k_train) sit that epoch out.
 * Adding a constant to every reward leaves the gradient unchanged: the softmax weights sum to one.
 */
final class PolicyGradientObjective implements Objective {
    private final int kTrain;
    private final double temperature;

    PolicyGradientObjective(int kTrain, double temperature) {
        if (kTrain < 2) {
            throw new IllegalArgumentException("PG needs k_train >= 2 candidates per chunk to compare, got " + kTrain);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("PG needs a finite training temperature > 0, got " + temperature);
        }
        this.kTrain = kTrain;
        this.temperature = temperature;
    }

    int kTrain() {
        return kTrain;
    }

    @Override
    public String name() {
        return "PG(k=" + kTrain + ",T=" + Plans.format(temperature) + ")";
    }

    @Override
    public String id() {
        return equals(Objective.PG) ? "pg" : "pg-k" + kTrain + "-t" + Plans.format(temperature);
    }

    @Override
    public java.util.List<String> notes(SampleSet train) {
        int skipped = 0;
        for (int p = 0; p < train.promptCount(); p++) {
            skipped += train.rowsOfPrompt(p).length < kTrain ? 1 : 0;
        }
        return skipped == 0 ? java.util.List.of() : java.util.List.of(name() + ": " + skipped + " of "
                + train.promptCount() + " training prompts have fewer than k_train = " + kTrain
                + " candidates and are skipped (sample more per prompt or lower k_train to use them)");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyGradientObjective other && kTrain == other.kTrain
                && Double.compare(temperature, other.temperature) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * kTrain + Double.hashCode(temperature);
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
        LossForm form = new LossForm(LossForm.Kind.SOFTMAX_REWARD, temperature, train.rewards());
        return new EpochPlan(groupArray, chunksOfGroup.toArray(int[][][]::new), form, (g, q, dq) -> {
            int[] rows = groupArray[g];
            double loss = 0;
            for (int[] chunk : chunksOfGroup.get(g)) {
                loss += chunkLoss(chunk, rows, train, q, dq);
            }
            return loss;
        });
    }

    /** -sum_i softmax(q / T)_i r_i over one chunk, writing its score gradient into dq. */
    private double chunkLoss(int[] chunk, int[] rows, SampleSet train, float[] q, float[] dq) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i : chunk) {
            max = Math.max(max, q[i] / temperature);
        }
        double[] p = new double[chunk.length];
        double z = 0;
        for (int c = 0; c < chunk.length; c++) {
            p[c] = Math.exp(q[chunk[c]] / temperature - max);
            z += p[c];
        }
        double expected = 0;
        for (int c = 0; c < chunk.length; c++) {
            p[c] /= z;
            expected += p[c] * train.reward(rows[chunk[c]]);
        }
        // d/dq_i of -sum_j p_j r_j = -(p_i / T) (r_i - sum_j p_j r_j)
        for (int c = 0; c < chunk.length; c++) {
            dq[chunk[c]] = (float) (-p[c] / temperature * (train.reward(rows[chunk[c]]) - expected));
        }
        return -expected;
    }

    @Override
    public String toString() {
        return name();
    }
}
