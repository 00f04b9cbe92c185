package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.ProbeSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Features stored as bfloat16 train the same probes as float32 for practical purposes: on
 * planted-signal data the final loss is within 1% relative and the selections' expected reward at
 * every k lies inside the float32 run's confidence interval (and vice versa).
 */
class Bf16TrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"MSE", "PG"})
    void bf16SelectsLikeFloat32(String name) {
        Objective objective = name.equals("MSE") ? Objective.MSE : Objective.pg(8, 1.0);
        SampleSet.Split f32 = SyntheticSamples.generate(240, 32, 64, 0.3, 21).splitByPrompt(1.0 / 3, 1);
        SampleSet.Split bf16 = new SampleSet.Split(
                f32.train().withFeatures(f32.train().features().withPrecision(FeaturePrecision.BF16)),
                f32.test().withFeatures(f32.test().features().withPrecision(FeaturePrecision.BF16)));
        assertEquals(FeaturePrecision.BF16, bf16.train().features().precision());
        assertEquals(f32.train().features().bytes() / 2, bf16.train().features().bytes());

        TrainerConfig config = TrainerConfig.defaults().withLearningRate(1e-2);
        TrainingResult a = new Trainer(config).train(f32.train(), ProbeSpec.linear(), objective);
        TrainingResult b = new Trainer(config).train(bf16.train(), ProbeSpec.linear(), objective);
        double relative = Math.abs(a.finalLoss() - b.finalLoss()) / Math.abs(a.finalLoss());
        assertTrue(relative < 0.01, name + " final loss f32 " + a.finalLoss() + " vs bf16 " + b.finalLoss());

        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 4, 16, 32).withBetas(0, 0.1);
        EvaluationResult ra = Evaluation.evaluate("f32", f32.test(), a.probe().scores(f32.test()), grid);
        EvaluationResult rb = Evaluation.evaluate("bf16", bf16.test(), b.probe().scores(bf16.test()), grid);
        for (int k : grid.ks()) {
            for (double beta : grid.betas()) {
                Estimate ea = ra.reward(k, beta);
                Estimate eb = rb.reward(k, beta);
                String what = String.format("%s k=%d beta=%s: f32 %s, bf16 %s", name, k, beta, ea, eb);
                assertTrue(eb.value() >= ea.low() && eb.value() <= ea.high(), what);
                assertTrue(ea.value() >= eb.low() && ea.value() <= eb.high(), what);
            }
        }
        System.out.printf("%s: loss f32 %.5f bf16 %.5f; reward@32 f32 %s bf16 %s%n", name, a.finalLoss(),
                b.finalLoss(), ra.reward(32, 0), rb.reward(32, 0));
    }
}
