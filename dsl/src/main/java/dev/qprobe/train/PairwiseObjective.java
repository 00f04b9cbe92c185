package dev.qprobe.train;

import dev.qprobe.data.PreferencePair;
import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.LossForm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Bradley-Terry on preference pairs: -mean log sigmoid(Q(chosen) - Q(rejected)). Pairs come from
 * the sample set; when it has none, every two candidates of a prompt with different rewards form
 * a pair (the higher reward chosen). One group per prompt, so each row is read once per epoch.
 */
final class PairwiseObjective implements Objective {

    @Override
    public String name() {
        return "PAIRWISE";
    }

    @Override
    public void validate(SampleSet train) {
        Plans.requireNonEmpty(train, name());
        if (pairsByPrompt(train).isEmpty()) {
            throw noPairs();
        }
    }

    private static IllegalArgumentException noPairs() {
        return new IllegalArgumentException("PAIRWISE needs preference pairs, but the training set has none "
                + "and no prompt has candidates with different rewards: add pairs or use MSE/PG");
    }

    @Override
    public EpochPlan plan(SampleSet train, RandomGenerator rng) {
        Plans.requireNonEmpty(train, name());
        Map<Integer, List<PreferencePair>> byPrompt = pairsByPrompt(train);
        if (byPrompt.isEmpty()) {
            throw noPairs();
        }
        int[][] groups = new int[byPrompt.size()][];
        int[][][] localPairs = new int[byPrompt.size()][][];
        int g = 0;
        for (List<PreferencePair> pairs : byPrompt.values()) {
            // Local indices: each row of the prompt that takes part in a pair appears once.
            Map<Integer, Integer> local = new HashMap<>();
            List<Integer> rows = new ArrayList<>();
            int[][] lp = new int[pairs.size()][2];
            for (int i = 0; i < pairs.size(); i++) {
                PreferencePair pair = pairs.get(i);
                lp[i][0] = local.computeIfAbsent(pair.chosen(), r -> { rows.add(r); return rows.size() - 1; });
                lp[i][1] = local.computeIfAbsent(pair.rejected(), r -> { rows.add(r); return rows.size() - 1; });
            }
            groups[g] = rows.stream().mapToInt(Integer::intValue).toArray();
            localPairs[g] = lp;
            g++;
        }
        LossForm form = new LossForm(LossForm.Kind.BRADLEY_TERRY, 1, train.rewards());
        return new EpochPlan(groups, localPairs, form, (group, q, dq) -> {
            java.util.Arrays.fill(dq, 0f);
            double loss = 0;
            for (int[] pair : localPairs[group]) {
                double margin = (double) q[pair[0]] - q[pair[1]];
                loss += Plans.softplus(-margin);
                float push = (float) Plans.sigmoid(-margin);
                dq[pair[0]] -= push;
                dq[pair[1]] += push;
            }
            return loss;
        });
    }

    /** Pairs grouped by prompt index, in prompt order; derived from rewards when the set has none. */
    private static Map<Integer, List<PreferencePair>> pairsByPrompt(SampleSet train) {
        Map<Integer, List<PreferencePair>> byPrompt = new java.util.TreeMap<>();
        if (!train.pairs().isEmpty()) {
            for (PreferencePair pair : train.pairs()) {
                byPrompt.computeIfAbsent(train.promptIndexOf(pair.chosen()), p -> new ArrayList<>()).add(pair);
            }
            return byPrompt;
        }
        for (int p = 0; p < train.promptCount(); p++) {
            int[] rows = train.rowsOfPrompt(p);
            for (int a : rows) {
                for (int b : rows) {
                    if (train.reward(a) > train.reward(b)) {
                        byPrompt.computeIfAbsent(p, x -> new ArrayList<>()).add(new PreferencePair(a, b));
                    }
                }
            }
        }
        return byPrompt;
    }

    @Override
    public String toString() {
        return name();
    }
}
