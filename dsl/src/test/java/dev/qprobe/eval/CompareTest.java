package dev.qprobe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTest {

    /**
     * Five prompts; arm A and arm B per prompt (already averaged over seeds). By hand: the paired
     * differences are 0.10, 0.30, 0.02, 0.20, 0.05, their mean 0.134. The bootstrap interval is
     * checked against the exact bootstrap distribution, enumerated over all 5^5 resamples.
     */
    @Test
    void pairedIntervalMatchesAHandComputation() {
        double[] a = {0.50, 0.70, 0.32, 0.90, 0.35};
        double[] b = {0.40, 0.40, 0.30, 0.70, 0.30};
        double[] d = {0.10, 0.30, 0.02, 0.20, 0.05};
        Estimate e = Compare.pairedDifference(a, b, 200_000, 7);
        assertEquals(0.134, e.value(), 1e-12);

        double[] means = new double[3125];
        for (int code = 0; code < means.length; code++) {
            double sum = 0;
            for (int i = 0, c = code; i < 5; i++, c /= 5) {
                sum += d[c % 5];
            }
            means[code] = sum / 5;
        }
        Arrays.sort(means);
        // Each resample has probability 1/3125; the bound must sit between the exact quantiles
        // at 2.5% -/+ 0.4% (the sampling error of 200,000 resamples is far smaller).
        assertTrue(e.low() >= means[(int) (3125 * 0.021)] - 1e-12 && e.low() <= means[(int) (3125 * 0.029)] + 1e-12,
                "low " + e.low() + " vs exact " + means[(int) (3125 * 0.025)]);
        assertTrue(e.high() >= means[(int) (3125 * 0.971)] - 1e-12 && e.high() <= means[(int) (3125 * 0.979)] + 1e-12,
                "high " + e.high() + " vs exact " + means[(int) (3125 * 0.975)]);
        // An unpaired look (each arm's own interval) cannot see this: their 95% intervals overlap.
        Estimate ea = Evaluation.bootstrapMean(a, 20_000, 1);
        Estimate eb = Evaluation.bootstrapMean(b, 20_000, 1);
        assertTrue(ea.low() < eb.high(), "the unpaired intervals overlap");
        assertTrue(e.low() > 0, "the paired interval excludes 0: " + e);

        var len = assertThrows(IllegalArgumentException.class, () -> Compare.pairedDifference(a, new double[2], 10, 1));
        assertTrue(len.getMessage().contains("one entry per prompt"), len.getMessage());
    }

    @Test
    void resultsCarryPairedDifferencesInWords() {
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(1, 4).withBetas(0).withBootstrapSamples(2_000);
        double[][][][] values = {
            {{{0.5, 0.5, 0.5, 0.5}}, {{0.9, 0.8, 0.7, 0.9}}},
            {{{0.5, 0.5, 0.5, 0.5}}, {{0.5, 0.6, 0.4, 0.5}}},
        };
        SampleSet test = SyntheticSamples.generate(4, 8, 3, 0.3, 1);
        EvaluationResult reference = Evaluation.evaluate("ref", test, new double[test.size()], grid);
        CompareResult r = CompareResult.ofValues(List.of("PG", "MSE"), grid, 5, values, reference);
        PairedDifference at4 = r.difference("PG", "MSE", 4, 0);
        assertEquals(0.325, at4.difference().value(), 1e-12);
        assertTrue(at4.excludesZero());
        assertTrue(at4.inWords().startsWith("PG - MSE at k = 4, beta = 0 (argmax): +0.325 ["), at4.inWords());
        assertTrue(at4.inWords().endsWith("PG ahead (the 95% CI excludes 0)"), at4.inWords());
        PairedDifference at1 = r.difference("PG", "MSE", 1, 0);
        assertFalse(at1.excludesZero());
        assertTrue(at1.inWords().contains("no difference shown"), at1.inWords());
        assertEquals(-0.325, r.difference("MSE", "PG", 4, 0).difference().value(), 1e-12);
        assertEquals(2, r.differences(0).size());
        assertEquals(2, r.differenceTable().rowCount());
        assertEquals(2 * 2 + 1 + 2, r.table().rowCount(), "arms x k, base, oracle per k");
        assertTrue(r.summary(4, 0).contains("PG - MSE at k = 4"));
    }

    @Test
    void runTrainsEveryArmOnEverySeedAndPairsThemOnTheSameChunks() {
        SampleSet train = SyntheticSamples.generate(30, 16, 8, 0.3, 2);
        SampleSet test = SyntheticSamples.generate(20, 16, 8, 0.3, 3);
        TrainerConfig quick = TrainerConfig.defaults().withEpochs(30).withLearningRate(1e-2);
        CompareResult r = Compare.of(train, test)
                .arm("MSE", Objective.MSE, quick)
                .arm("MSE again", Objective.MSE, quick)
                .arm("barely trained", Objective.MSE, quick.withEpochs(1).withLearningRate(1e-6))
                .seeds(3).run();
        assertEquals(3, r.training("MSE").size());
        // The same objective and settings on the same seeds and chunks: exactly no difference.
        PairedDifference same = r.difference("MSE", "MSE again", 16, 0);
        assertEquals(0.0, same.difference().value(), 0.0);
        assertEquals(0.0, same.difference().low(), 0.0);
        PairedDifference better = r.difference("MSE", "barely trained", 16, 0);
        assertTrue(better.difference().low() > 0, better.inWords());
        assertEquals(r.base().value(), r.reward("MSE", 1, 0).value(), 1e-12, "k = 1 is the base rate");

        var one = assertThrows(IllegalArgumentException.class, () -> Compare.of(train, test).arm("a", Objective.MSE, quick).run());
        assertTrue(one.getMessage().contains("at least two arms"), one.getMessage());
        var dup = assertThrows(IllegalArgumentException.class,
                () -> Compare.of(train, test).arm("a", Objective.MSE, quick).arm("a", Objective.CE, quick));
        assertTrue(dup.getMessage().contains("'a'"), dup.getMessage());
    }
}
