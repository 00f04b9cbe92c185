package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
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
        SampleSet.Split split = SyntheticSamples.generate(300, 32, 32, 0.3, 17).splitByPrompt(1.0 / 3, 1);
        TrainingResult trained = new Trainer(TrainerConfig.defaults().withLearningRate(1e-2))
                .train(split.train(), ProbeSpec.linear(), objective);
        EvaluationResult result = Evaluation.evaluate(name, split.test(), trained.probe().scores(split.test()),
                EvaluationGrid.defaults().withKs(1, 16).withBetas(0));
        double probe = result.reward(16, 0).value();
        double oracle = result.oracle(16).value();
        double base = result.base().value();
        String report = String.format("%s: base %.3f, probe %.3f, oracle %.3f", name, base, probe, oracle);
        System.out.println(report);
        assertTrue(probe >= 0.9 * oracle, report);
        assertTrue(probe > base + 0.2, report);
    }
}
