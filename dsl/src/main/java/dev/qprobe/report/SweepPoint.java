package dev.qprobe.report;

import dev.qprobe.eval.EvaluationResult;
import java.util.Objects;

/**
 * One run of a training-set-size sweep, for {@link Charts#rewardVsTrainingPrompts}: a probe
 * trained with some objective on {@code trainingPrompts} prompts, then evaluated on the held-out
 * set shared by the whole sweep.
 *
 * @param series          the line it belongs to, usually the objective's name
 * @param trainingPrompts how many prompts the probe was trained on (&gt;= 1)
 * @param result          its evaluation; the chart reads the reward at one (k, beta) from it,
 *                        and the base rate and oracle as reference lines
 */
public record SweepPoint(String series, int trainingPrompts, EvaluationResult result) {
    public SweepPoint {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(result, "result");
        if (series.isBlank()) {
            throw new IllegalArgumentException("a sweep point needs a series name");
        }
        if (trainingPrompts < 1) {
            throw new IllegalArgumentException("training prompts must be >= 1, got " + trainingPrompts);
        }
    }
}
