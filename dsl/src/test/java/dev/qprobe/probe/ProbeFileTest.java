package dev.qprobe.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeFileTest {

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp(8)", "mlp(6,4)"})
    void savedProbesReadBackBitForBitAndScoreTheSame(String spec, @TempDir Path dir) throws IOException {
        SampleSet data = SyntheticSamples.generate(10, 8, 12, 0.3, 1);
        Probe probe = new Trainer(TrainerConfig.defaults().withEpochs(10)).train(data, ProbeSpec.parse(spec),
                Objective.MSE).probe();
        Path file = dir.resolve("probe.json");
        Provenance provenance = probe.provenance().withOrigin("arithmetic", "builtin-gpt@1", SamplingConfig.of(8),
                "hidden(-1)").withTrain(Provenance.Data.of(data));
        ProbeFile.write(file, probe.withProvenance(provenance));
        Probe back = ProbeFile.read(file);
        assertEquals(probe.spec(), back.spec());
        assertArrayEquals(probe.parameters(), back.parameters());
        assertArrayEquals(probe.scores(data), back.scores(data));
        assertEquals(provenance, back.provenance(), "the file alone says how the probe was made");
        assertEquals("MSE", back.provenance().objective());
        assertTrue(back.provenance().trainer().contains("epochs=10"), back.provenance().trainer());
        assertTrue(back.provenance().library().startsWith("qprobe "));
    }

    @Test
    void theDataFingerprintChangesWithAnyRewardOrFeature() {
        SampleSet data = SyntheticSamples.generate(10, 8, 12, 0.3, 1);
        assertEquals(Provenance.Data.of(data), Provenance.Data.of(SyntheticSamples.generate(10, 8, 12, 0.3, 1)));
        assertTrue(!Provenance.Data.of(data).equals(Provenance.Data.of(SyntheticSamples.generate(10, 8, 12, 0.3, 2))));
        SampleSet fewerPrompts = data.selectPrompts(java.util.stream.IntStream.range(0, 9).toArray());
        assertEquals(9, Provenance.Data.of(fewerPrompts).prompts());
    }

    @Test
    void filesOfTheFirstFormatReadWithoutProvenance(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("old.json");
        Files.writeString(file, "{\"format\": \"qprobe-probe/1\", \"spec\": \"linear\", \"dim\": 2, \"mean\": [0, 0],"
                + " \"invStd\": [1, 1], \"parameters\": [1, 2, 3], \"provenance\": {\"objective\": \"MSE\"}}");
        Probe old = ProbeFile.read(file);
        assertEquals(6f, old.score(new float[] {1, 1}));
        assertFalse(old.provenance().isRecorded());
        Path again = dir.resolve("again.json");
        ProbeFile.write(again, old);
        assertTrue(Files.readString(again).contains("\"provenance\" : null"), Files.readString(again));
        assertFalse(ProbeFile.read(again).provenance().isRecorded());
    }

    @Test
    void selectPicksTheHighestScoreAtBetaZeroAndSamplesOtherwise() {
        Probe probe = new Probe(ProbeSpec.linear(), new float[] {1, -1, 0, 0}, Standardizer.identity(3));
        float[][] candidates = {{0, 1, 5}, {2, 0, 0}, {1, 1, 1}};
        assertEquals(1, probe.select(candidates, 0, new SplittableRandom(1)));
        int[] counts = new int[3];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 3000; i++) {
            counts[probe.select(candidates, 1.0, rng)]++;
        }
        // Q = (-1, 2, 0): softmax gives about 0.04, 0.84, 0.11.
        assertEquals(0.84, counts[1] / 3000.0, 0.03);
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> probe.select(new float[][] {{1, 2}}, 0, new SplittableRandom(1)));
        assertTrue(wrong.getMessage().contains("expects 3"), wrong.getMessage());
    }

    @Test
    void damagedFilesAreRejectedWithTheReason(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.json");
        Files.writeString(file, "{\"format\": \"something-else\"}");
        assertTrue(assertThrows(IOException.class, () -> ProbeFile.read(file)).getMessage().contains("not a probe file"));
        Files.writeString(file, "{\"format\": \"qprobe-probe/1\", \"spec\": \"linear\", \"dim\": 2, \"mean\": [0, 0],"
                + " \"invStd\": [1, 1], \"parameters\": [1, 2]}");
        var shortParams = assertThrows(IOException.class, () -> ProbeFile.read(file));
        assertTrue(shortParams.getMessage().contains("\"parameters\" must be an array of 3"), shortParams.getMessage());
        Files.writeString(file, "{not json");
        assertTrue(assertThrows(IOException.class, () -> ProbeFile.read(file)).getMessage().contains("not a readable"));
    }
}
