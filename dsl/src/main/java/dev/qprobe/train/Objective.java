package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import java.util.random.RandomGenerator;

/**
 * A training objective for a probe Q(x, y). Every objective here is a function of the scores
 * alone, so it is written once and works with any probe architecture and backend.
 *
 * <ul>
 *   <li>{@link #MSE}: mean of (Q - r)^2 (reward modeling).</li>
 *   <li>{@link #CE}: binary cross-entropy of sigmoid(Q) against 0/1 rewards (reward modeling).</li>
 *   <li>{@link #PG} / {@link #pg(int, double)}: the policy-gradient objective: each prompt's
 *       candidates, reshuffled every epoch, are cut into chunks of k_train, and the loss is
 *       -mean over chunks of sum_i softmax(Q / T)_i r_i, T the training temperature (not the
 *       selection temperature beta).</li>
 *   <li>{@link #PAIRWISE}: Bradley-Terry, -mean log sigmoid(Q(chosen) - Q(rejected)) over
 *       preference pairs.</li>
 * </ul>
 */
public interface Objective {
    Objective MSE = new MseObjective();
    Objective CE = new CrossEntropyObjective();
    /**
     * Policy gradient with k_train = 10 (the reference code's) and training temperature 0.1, the
     * temperature chosen by tuning on held-out train prompts of the worked-addition task (at T = 1
     * PG's loss was still falling after 150 epochs; BENCHMARKS.md, "A faithful experiment").
     */
    Objective PG = pg(10, 0.1);
    Objective PAIRWISE = new PairwiseObjective();

    /**
     * The policy-gradient objective with chunks of {@code kTrain} candidates and softmax(Q / T) at
     * training temperature {@code temperature}.
     */
    static Objective pg(int kTrain, double temperature) {
        return new PolicyGradientObjective(kTrain, temperature);
    }

    /**
     * The objective named {@code name}, ignoring case: "PG", "MSE", "CE", "PAIRWISE", or a label
     * such as "PG(k=4,T=0.5)" ({@link #name()} reads back).
     *
     * @throws IllegalArgumentException for an unknown name, suggesting the nearest valid one
     */
    static Objective parse(String name) {
        return Objectives.parse(name);
    }

    /** A short label, unique among objectives: "MSE", "CE", "PG(k=10,T=0.1)", "PAIRWISE". */
    String name();

    /**
     * A readable id for file names: "pg", "mse", "ce", "pairwise"; a policy gradient with other
     * settings than {@link #PG}'s adds them ("pg-k4-t0.5").
     */
    default String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Things worth telling the user about how this objective will use {@code train} (e.g. prompts
     * it must skip); empty when there are none.
     */
    default java.util.List<String> notes(SampleSet train) {
        return java.util.List.of();
    }

    /** Throws an {@link IllegalArgumentException} that says what to do when the data does not suit this objective. */
    void validate(SampleSet train);

    /** True when {@link #plan} draws a new grouping every epoch; otherwise one plan serves all epochs. */
    default boolean reshufflesEachEpoch() {
        return false;
    }

    /** Groups the rows of {@code train} for one epoch (drawing any shuffles from {@code rng}). */
    EpochPlan plan(SampleSet train, RandomGenerator rng);
}
