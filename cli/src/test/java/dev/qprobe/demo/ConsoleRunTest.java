package dev.qprobe.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.Defaults;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.train.EpochPlan;
import dev.qprobe.train.Objective;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** A failure late in a run loses nothing that was finished before it. */
class ConsoleRunTest {

    /** Passes every check, then fails in its first epoch, as a diverging run would. */
    private static final Objective FAILS_LATE = new Objective() {
        @Override
        public String name() {
            return "LATE";
        }

        @Override
        public void validate(SampleSet train) {
        }

        @Override
        public EpochPlan plan(SampleSet train, RandomGenerator rng) {
            throw new ArithmeticException("LATE loss became NaN at epoch 1");
        }
    };

    @Test
    void eachFinishedProbeAndThePartialTableAreSavedBeforeTheNextObjectiveTrains(@TempDir Path out) throws Exception {
        var features = QProbe.features("synthetic", SyntheticSamples.generate(24, 8, 6, 0.3, 2).splitByPrompt(0.25, 0));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ConsoleRun run = new ConsoleRun(new PrintStream(printed, true, StandardCharsets.UTF_8));
        var e = assertThrows(ArithmeticException.class, () -> run.run(features, Defaults.PROBE,
                Defaults.TRAINING.withEpochs(5), List.of(Objective.MSE, FAILS_LATE), Defaults.BETAS, new int[] {1, 8}, out));
        assertTrue(e.getMessage().contains("LATE"), e.getMessage());
        assertEquals(6, ProbeFile.read(out.resolve("probes/mse.json")).dim(), "the MSE probe finished and is on disk");
        Table partial = Table.read().csv(out.resolve("results.csv").toFile());
        assertTrue(partial.stringColumn("method").asList().contains("MSE"), partial.print());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("saved " + out.resolve("probes/mse.json")));
        assertTrue(Files.notExists(out.resolve("probes/late.json")));
    }
}
