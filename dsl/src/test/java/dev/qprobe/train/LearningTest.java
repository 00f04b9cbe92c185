package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.probe.ProbeSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Synthetic candidates whose reward depends on a hidden direction: a trained probe's argmax over
 * k = 16 candidates must reach 90% of the oracle's best-of-16 reward on held-out prompts.
 */
class LearningTest {

    @ParameterizedTest
    @ValueSource(strings = {"MSE", "CE", "PG"})
    void argmaxSelectionApproachesTheOracle(String name) {
        Objective objective = switch (name) {
            case "MSE" -> Objective.MSE;
            case "CE" -> Objective.CE;
            default -> Objective.PG;
        };
        // 16 candidates per prompt: selection at k = 16 is one chunk per prompt, the exact argmax.
        SampleSet.Split split = SyntheticSamples.generate(300, 16, 32, 0.3, 17).splitByPrompt(1.0 / 3, 1);
        TrainingResult trained = new Trainer(TrainerConfig.defaults().withLearningRate(1e-2))
                .train(split.train(), ProbeSpec.linear(), objective);
        SampleSet test = split.test();
        float[] q = trained.probe().scores(test);
        double probe = 0;
        double oracle = 0;
        double base = test.meanReward();
        for (int p = 0; p < test.promptCount(); p++) {
            int best = -1;
            double max = 0;
            for (int row : test.rowsOfPrompt(p)) {
                if (best < 0 || q[row] > q[best]) {
                    best = row;
                }
                max = Math.max(max, test.reward(row));
            }
            probe += test.reward(best);
            oracle += max;
        }
        probe /= test.promptCount();
        oracle /= test.promptCount();
        String report = String.format("%s: base %.3f, probe %.3f, oracle %.3f", name, base, probe, oracle);
        System.out.println(report);
        assertTrue(probe >= 0.9 * oracle, report);
        assertTrue(probe > base + 0.2, report);
    }
}
