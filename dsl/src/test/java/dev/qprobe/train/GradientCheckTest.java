package dev.qprobe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.Standardizer;
import dev.qprobe.probe.cpu.CpuBackend;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Analytic gradients of every objective x probe architecture against central finite differences. */
class GradientCheckTest {

    static Stream<Arguments> cases() {
        Objective[] objectives = {Objective.MSE, Objective.CE, Objective.pg(4, 0.5), Objective.PAIRWISE};
        ProbeSpec[] specs = {ProbeSpec.linear(), ProbeSpec.mlp(6), ProbeSpec.mlp(5, 4)};
        return Stream.of(objectives).flatMap(o -> Stream.of(specs).map(s -> Arguments.of(o, s)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("cases")
    void analyticGradientMatchesFiniteDifferences(Objective objective, ProbeSpec spec) {
        SampleSet data = TestData.small(4, 8, 6, 7L);
        SplittableRandom rng = new SplittableRandom(11);
        float[] params = spec.initialParameters(data.dim(), rng);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.3 * rng.nextGaussian());  // away from zero init, so every term is live
        }
        EpochPlan plan = objective.plan(data, new SplittableRandom(3));
        int[] groups = IntStream.range(0, plan.groupCount()).toArray();
        // Standardized features exercise the chain rule through mean and invStd as well.
        try (ProbeComputation c = CpuBackend.INSTANCE.open(spec, data.features(), Standardizer.fit(data.features()))) {
            double[] grad = new double[params.length];
            c.lossAndGradient(params, plan, groups, grad);
            int checked = 0;
            int kinks = 0;
            for (int i = 0; i < params.length; i += Math.max(1, params.length / 40)) {
                double numeric = centralDifference(c, params, plan, groups, i, 1e-2f);
                double finer = centralDifference(c, params, plan, groups, i, 5e-3f);
                if (Math.abs(numeric - finer) > 0.02 * Math.max(Math.abs(numeric), Math.abs(finer)) + 1e-3) {
                    kinks++;  // a ReLU switched inside [-h, h]: the loss is not smooth here
                    continue;
                }
                double tolerance = 2e-3 + 2e-2 * Math.max(Math.abs(numeric), Math.abs(grad[i]));
                assertEquals(numeric, grad[i], tolerance, objective + " x " + spec + ": parameter " + i);
                checked++;
            }
            assertTrue(kinks <= checked / 5, kinks + " non-smooth points out of " + (checked + kinks));
            assertTrue(checked >= Math.min(params.length, 20), "checked " + checked + " parameters");
        }
    }

    private static double centralDifference(ProbeComputation c, float[] params, EpochPlan plan, int[] groups,
                                            int i, float h) {
        float saved = params[i];
        params[i] = saved + h;
        double up = c.lossAndGradient(params, plan, groups, new double[params.length]);
        params[i] = saved - h;
        double down = c.lossAndGradient(params, plan, groups, new double[params.length]);
        params[i] = saved;
        return (up - down) / ((double) (saved + h) - (saved - h));
    }
}
