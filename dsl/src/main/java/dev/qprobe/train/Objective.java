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
 *       -mean over chunks of sum_i softmax(Q / beta_train)_i r_i.</li>
 *   <li>{@link #PAIRWISE}: Bradley-Terry, -mean log sigmoid(Q(chosen) - Q(rejected)) over
 *       preference pairs.</li>
 * </ul>
 */
public interface Objective {
    Objective MSE = new MseObjective();
    Objective CE = new CrossEntropyObjective();
    /** Policy gradient with k_train = 8 and beta_train = 1. */
    Objective PG = pg(8, 1.0);
    Objective PAIRWISE = new PairwiseObjective();

    /** The policy-gradient objective with chunks of {@code kTrain} candidates at temperature {@code betaTrain}. */
    static Objective pg(int kTrain, double betaTrain) {
        return new PolicyGradientObjective(kTrain, betaTrain);
    }

    /** A short label: "MSE", "CE", "PG(k=8,beta=1)", "PAIRWISE". */
    String name();

    /** Throws an {@link IllegalArgumentException} that says what to do when the data does not suit this objective. */
    void validate(SampleSet train);

    /** True when {@link #plan} draws a new grouping every epoch; otherwise one plan serves all epochs. */
    default boolean reshufflesEachEpoch() {
        return false;
    }

    /** Groups the rows of {@code train} for one epoch (drawing any shuffles from {@code rng}). */
    EpochPlan plan(SampleSet train, RandomGenerator rng);
}
