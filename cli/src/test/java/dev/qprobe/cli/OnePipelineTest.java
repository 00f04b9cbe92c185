package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.demo.Demo;
import dev.qprobe.dsl.Defaults;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.dsl.Results;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainingResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DSL, the demo and {@code qprobe train} are one pipeline: the same data gives bit-identical probes. */
class OnePipelineTest {

    @Test
    void theDslTheDemoAndTrainMakeIdenticalProbes(@TempDir Path dir) throws Exception {
        SampleSet all = SyntheticSamples.generate(48, 16, 24, 0.4, 11);
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(all, npy, csv);
        // What each front end reads: the files, as train reads them.
        SampleSet loaded = SampleSetIO.load(npy, csv);
        SampleSet.Split split = loaded.splitByPrompt(Defaults.TEST_FRACTION, Defaults.TRAINING.seed());

        Results dsl = QProbe.features("features.npy", split)
                .probe(Objective.PG, Objective.MSE, Objective.CE, Objective.PAIRWISE).select(Defaults.BETAS);
        Results demo = Demo.run(QProbe.features("features.npy", split), dir.resolve("demo"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int code = Main.run("train", "--features", npy.toString(), "--samples", csv.toString(),
                "--objective", "PG,MSE,CE,PAIRWISE", "--out", dir.resolve("train").toString());
        assertEquals(0, code);

        for (Objective objective : Defaults.OBJECTIVES) {
            Probe fromDsl = dsl.probes().probe(objective);
            Probe fromDemo = demo.probes().probe(objective);
            Probe fromTrain = ProbeFile.read(dir.resolve("train/probes/" + objective.id() + ".json"));
            Probe demoFile = ProbeFile.read(dir.resolve("demo/probes/" + objective.id() + ".json"));
            for (Probe other : new Probe[] {fromDemo, fromTrain, demoFile}) {
                assertArrayEquals(bits(fromDsl.parameters()), bits(other.parameters()), objective.name());
                assertArrayEquals(bits(fromDsl.standardizer().mean()), bits(other.standardizer().mean()));
                assertArrayEquals(bits(fromDsl.standardizer().invStd()), bits(other.standardizer().invStd()));
                assertEquals(fromDsl.provenance().trainer(), other.provenance().trainer());
                assertEquals(fromDsl.provenance().train(), other.provenance().train(), "the same train data");
                assertEquals(fromDsl.provenance().test(), other.provenance().test(), "the same test data");
            }
        }
        TrainingResult pg = dsl.probes().training().get(0);
        assertEquals(Defaults.TRAINING, pg.config());
        assertEquals(dsl.table().toString(), demo.table().toString(), "the same evaluation too");
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
