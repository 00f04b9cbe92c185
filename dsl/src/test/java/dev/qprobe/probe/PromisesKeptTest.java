package dev.qprobe.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.Sample;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Values documented as immutable stay so when a caller writes into what they hand out. */
class PromisesKeptTest {

    @Test
    void writingIntoWhatAProbeHandsOutChangesNothing() {
        SampleSet data = SyntheticSamples.generate(12, 8, 6, 0.3, 3);
        TrainingResult trained = new Trainer(TrainerConfig.defaults().withEpochs(5)).train(data, ProbeSpec.linear(),
                Objective.MSE);
        Probe probe = trained.probe();
        float[] before = probe.scores(data);

        Arrays.fill(probe.parameters(), 9f);
        Arrays.fill(probe.standardizer().mean(), 9f);
        Arrays.fill(probe.standardizer().invStd(), 9f);
        assertArrayEquals(before, probe.scores(data));

        double[] curve = trained.lossCurve();
        curve[0] = -1;
        assertEquals(trained.lossCurve()[0], trained.firstLoss());
        assertTrue(trained.firstLoss() > 0);
        assertEquals(Objective.MSE, trained.objective(), "the objective itself, not its name");

        float[] mean = {1, 2};
        Standardizer s = new Standardizer(mean, new float[] {1, 1});
        mean[0] = 7;
        assertEquals(1f, s.mean()[0], "the standardizer copied its input");

        Sample sample = data.sample(0);
        float[] row = sample.features();
        row[0] = 1e9f;
        assertFalse(sample.features()[0] == 1e9f);
        assertEquals(sample, data.sample(0));
    }
}
