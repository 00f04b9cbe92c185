package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.Standardizer;
import dev.qprobe.probe.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {
    private static final TrainerConfig QUICK = TrainerConfig.defaults().withEpochs(20).withLearningRate(1e-2);

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp(8)", "mlp(8,4)"})
    void sameSeedGivesBitIdenticalWeights(String spec) {
        SampleSet data = SyntheticSamples.generate(12, 16, 24, 0.3, 5);
        for (Objective objective : List.of(Objective.MSE, Objective.PG, Objective.PAIRWISE)) {
            TrainerConfig config = QUICK.withSeed(42).withBatchSize(64);
            float[] a = new Trainer(config).train(data, ProbeSpec.parse(spec), objective).probe().parameters();
            float[] b = new Trainer(config).train(data, ProbeSpec.parse(spec), objective).probe().parameters();
            assertArrayEquals(a, b, objective + " " + spec);
            float[] other = new Trainer(config.withSeed(43)).train(data, ProbeSpec.parse(spec), objective)
                    .probe().parameters();
            assertFalse(java.util.Arrays.equals(a, other), "a different seed should change " + objective + " " + spec);
        }
    }

    @Test
    void fusedAndTwoPassLinearKernelsAgree() {
        SampleSet data = SyntheticSamples.generate(10, 16, 40, 0.3, 9);
        Trainer fused = new Trainer(QUICK);
        Trainer twoPass = new Trainer(QUICK, CpuBackend.TWO_PASS);
        for (Objective objective : List.of(Objective.MSE, Objective.CE, Objective.PG)) {
            assertArrayEquals(fused.train(data, ProbeSpec.linear(), objective).probe().parameters(),
                    twoPass.train(data, ProbeSpec.linear(), objective).probe().parameters(), objective.name());
        }
    }

    @Test
    void policyGradientIgnoresAConstantAddedToEveryReward() {
        SampleSet data = SyntheticSamples.generate(8, 16, 12, 0.3, 2);
        double[] shifted = data.rewards();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 5.0;
        }
        SampleSet moved = SampleSet.of(ids(data), null, null, shifted, data.features(), List.of(), "shifted");
        Objective pg = Objective.pg(4, 0.7);
        ProbeSpec spec = ProbeSpec.mlp(6);
        float[] params = spec.initialParameters(data.dim(), new SplittableRandom(1));
        double[] g1 = gradient(data, spec, pg, params);
        double[] g2 = gradient(moved, spec, pg, params);
        for (int i = 0; i < g1.length; i++) {
            assertEquals(g1[i], g2[i], 1e-6 + 1e-4 * Math.abs(g1[i]), "parameter " + i);
        }
        float[] w1 = new Trainer(QUICK).train(data, ProbeSpec.linear(), pg).probe().parameters();
        float[] w2 = new Trainer(QUICK).train(moved, ProbeSpec.linear(), pg).probe().parameters();
        // Compare w only: PG is also blind to the bias b (softmax ignores a shift of all scores), so
        // Adam turns the bias's zero gradient plus rounding noise into arbitrary steps.
        assertArrayEquals(java.util.Arrays.copyOf(w1, data.dim()), java.util.Arrays.copyOf(w2, data.dim()), 1e-4f);
    }

    private static double[] gradient(SampleSet data, ProbeSpec spec, Objective objective, float[] params) {
        EpochPlan plan = objective.plan(data, new SplittableRandom(4));
        double[] grad = new double[params.length];
        try (ProbeComputation c = CpuBackend.INSTANCE.open(spec, data.features(), Standardizer.fit(data.features()))) {
            c.lossAndGradient(params, plan, IntStream.range(0, plan.groupCount()).toArray(), grad);
        }
        return grad;
    }

    private static String[] ids(SampleSet data) {
        return IntStream.range(0, data.size()).mapToObj(data::promptId).toArray(String[]::new);
    }

    @Test
    void lossCurveFallsAndListenerHearsEveryEpoch() {
        SampleSet data = SyntheticSamples.generate(20, 16, 16, 0.2, 3);
        int[] calls = {0};
        TrainingResult result = new Trainer(QUICK).train(data, ProbeSpec.linear(), Objective.CE,
                (epoch, epochs, loss) -> {
                    calls[0]++;
                    assertEquals(calls[0], epoch);
                    assertEquals(20, epochs);
                });
        assertEquals(20, calls[0]);
        assertEquals(20, result.lossCurve().length);
        assertEquals(Math.log(2), result.lossCurve()[0], 1e-6, "zero-initialised probe: CE starts at log 2");
        assertTrue(result.finalLoss() < 0.8 * result.lossCurve()[0], result.toString());
    }

    @Test
    void heldOutLossIsReportedAndUnconvergedTrainingIsFlagged() {
        SampleSet data = SyntheticSamples.generate(30, 16, 16, 0.2, 3);
        SampleSet.Split split = data.splitByPrompt(0.2, 1);
        // 10 epochs at a small learning rate: the loss is still falling steeply at the end.
        TrainingResult early = new Trainer(QUICK.withEpochs(10).withLearningRate(1e-3))
                .train(split.train(), split.test(), ProbeSpec.linear(), Objective.CE, TrainingListener.NONE);
        assertEquals(10, early.heldOutCurve().length);
        assertTrue(early.heldOutCurve()[9] < early.heldOutCurve()[0], "held-out CE falls: " + early);
        assertTrue(early.convergenceWarning().isPresent(), early.toString());
        assertTrue(early.convergenceWarning().get().contains("still falling"), early.convergenceWarning().get());
        assertTrue(early.toString().contains("NOT CONVERGED"), early.toString());
        // Long enough at a larger rate: flat at the end, no warning.
        TrainingResult done = new Trainer(QUICK.withEpochs(400).withLearningRate(3e-2))
                .train(split.train(), split.test(), ProbeSpec.linear(), Objective.PG, TrainingListener.NONE);
        assertTrue(done.convergenceWarning().isEmpty(), done.convergenceWarning().orElse(""));
        assertTrue(Double.isFinite(done.finalHeldOutLoss()));
        // Without held-out samples the training curve is judged, and there is no held-out loss.
        TrainingResult plain = new Trainer(QUICK.withEpochs(10).withLearningRate(1e-3))
                .train(split.train(), ProbeSpec.linear(), Objective.CE);
        assertEquals(0, plain.heldOutCurve().length);
        assertTrue(Double.isNaN(plain.finalHeldOutLoss()));
        assertTrue(plain.convergenceWarning().orElse("").contains("training loss"));
        var dim = assertThrows(IllegalArgumentException.class, () -> new Trainer(QUICK).train(split.train(),
                SyntheticSamples.generate(3, 16, 5, 0.2, 3), ProbeSpec.linear(), Objective.CE, TrainingListener.NONE));
        assertTrue(dim.getMessage().contains("held-out samples have 5 features"), dim.getMessage());
    }

    @Test
    void paperSettingsAreTheReferenceCodes() {
        TrainerConfig paper = TrainerConfig.paper();
        assertEquals(5e-5, paper.learningRate());
        assertEquals(0.0, paper.weightDecay());
        assertEquals(1000, paper.batchSize());
        assertEquals(150, paper.epochs());
        assertFalse(paper.standardize());
        assertEquals(0.9, paper.momentDecay1());
        assertEquals(0.999, paper.momentDecay2());
    }

    @Test
    void badInputGetsClearErrors() {
        SampleSet data = TestData.small(3, 4, 5, 1);
        Trainer trainer = new Trainer(QUICK);
        var tooFew = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(data, ProbeSpec.linear(), Objective.pg(8, 1)));
        assertTrue(tooFew.getMessage().contains("k_train = 8"), tooFew.getMessage());
        var k1 = assertThrows(IllegalArgumentException.class, () -> Objective.pg(1, 1));
        assertTrue(k1.getMessage().contains("k_train >= 2"), k1.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Objective.pg(4, 0));

        double[] real = data.rewards();
        real[2] = 3.5;
        SampleSet realValued = SampleSet.of(ids(data), null, null, real, data.features(), List.of(), "t");
        var ce = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(realValued, ProbeSpec.linear(), Objective.CE));
        assertTrue(ce.getMessage().contains("binary rewards") && ce.getMessage().contains("3.5"), ce.getMessage());

        SampleSet empty = SampleSet.builder(5).build();
        var none = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(empty, ProbeSpec.linear(), Objective.MSE));
        assertTrue(none.getMessage().contains("empty"), none.getMessage());

        SampleSet ties = SampleSet.of(ids(data), null, null, new double[data.size()], data.features(), List.of(), "t");
        var pairs = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(ties, ProbeSpec.linear(), Objective.PAIRWISE));
        assertTrue(pairs.getMessage().contains("preference pairs"), pairs.getMessage());

        var diverged = assertThrows(ArithmeticException.class, () -> new Trainer(QUICK.withLearningRate(1e30))
                .train(data, ProbeSpec.mlp(4), Objective.MSE));
        assertTrue(diverged.getMessage().contains("lower the learning rate"), diverged.getMessage());

        var config = assertThrows(IllegalArgumentException.class, () -> QUICK.withLearningRate(Double.NaN));
        assertTrue(config.getMessage().contains("learningRate"), config.getMessage());
    }

    @Test
    void probeRejectsFeaturesOfTheWrongDimension() {
        SampleSet data = TestData.small(2, 4, 5, 1);
        var probe = new Trainer(QUICK).train(data, ProbeSpec.linear(), Objective.MSE).probe();
        var e = assertThrows(IllegalArgumentException.class,
                () -> probe.scores(FeatureMatrix.wrap(new float[12], 2, 6, "other")));
        assertTrue(e.getMessage().contains("expects 5 features") && e.getMessage().contains("got 6"), e.getMessage());
    }

    @Test
    void interruptedTrainingStopsWithCancellation() {
        SampleSet data = TestData.small(2, 4, 5, 1);
        Thread.currentThread().interrupt();
        try {
            var e = assertThrows(CancellationException.class,
                    () -> new Trainer(QUICK).train(data, ProbeSpec.linear(), Objective.MSE));
            assertTrue(e.getMessage().contains("interrupted at epoch 1"), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }
}
