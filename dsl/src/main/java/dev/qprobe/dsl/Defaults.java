package dev.qprobe.dsl;

import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import java.util.List;

/**
 * The one place for the experiment's defaults, shared by the DSL, {@code qprobe demo} and {@code
 * qprobe train}, so the same data trains the same probes whichever front end runs it.
 */
public final class Defaults {
    /**
     * AdamW for 150 full-batch epochs at learning rate 1e-2, weight decay 0.01, seed 0, on
     * standardized features. Chosen by {@code ObjectiveDefaults.tune} on held-out train prompts of
     * the worked-addition task (never its test prompts) over lr {1e-3, 1e-2} x epochs {150, 400}:
     * 1e-2 with 150 epochs was best for PG and CE and within 0.012 of MSE's best (BENCHMARKS.md).
     * With full batches 150 epochs are only 150 Adam steps, each moving a weight by at most about
     * the learning rate, so at 1e-3 the losses were still falling when training stopped.
     */
    public static final TrainerConfig TRAINING = TrainerConfig.defaults().withLearningRate(1e-2);

    /** A linear probe. */
    public static final ProbeSpec PROBE = ProbeSpec.linear();

    /** {@link Objective#PG}'s chunk size k_train and training temperature, for front ends that set them. */
    public static final int PG_K_TRAIN = 10;
    public static final double PG_TEMPERATURE = 0.1;

    /** The objectives {@code qprobe demo} compares: PG (k_train 10, T 0.1), MSE, CE and PAIRWISE. */
    public static final List<Objective> OBJECTIVES = List.of(Objective.PG, Objective.MSE, Objective.CE,
            Objective.PAIRWISE);

    /** Selection temperatures 0 (argmax), 0.01, 0.1 and 1, as in the paper. */
    public static final Beta BETAS = Beta.standard();

    /** Independent shuffles of each test prompt's candidates averaged per k (seed 0, 1,000 bootstrap resamples). */
    public static final int EVALUATION_REPEATS = 4;

    /** Share of prompts held out for evaluation when one set is split. */
    public static final double TEST_FRACTION = 0.25;

    private Defaults() {
    }

    /** k = 1, 2, 4, ..., 32, 48, cut at the fewest candidates per prompt ({@link EvaluationGrid#ksFor}). */
    public static int[] ks(int candidates) {
        return EvaluationGrid.ksFor(candidates);
    }

    /** The evaluation grid at {@code ks} and {@code betas}, with the default repeats and seed. */
    static EvaluationGrid grid(Beta betas, int[] ks) {
        return EvaluationGrid.defaults().withKs(ks).withBetas(betas.values()).withRepeats(EVALUATION_REPEATS);
    }
}
