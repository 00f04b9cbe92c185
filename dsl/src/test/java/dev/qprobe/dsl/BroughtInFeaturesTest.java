package dev.qprobe.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.eval.Estimate;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.Backend;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainingListener;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Features brought in from files go through probe() and select() like features drawn here. */
class BroughtInFeaturesTest {
    private static final SampleSet.Split SPLIT = SyntheticSamples.generate(80, 12, 16, 0.3, 7).splitByPrompt(0.25, 0);

    @Test
    void featuresLoadedFromNpyAreProbedAndSelected(@TempDir Path dir) throws Exception {
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(SyntheticSamples.generate(80, 12, 16, 0.3, 7), npy, csv);
        SampleSet all = SampleSetIO.load(npy, csv);

        Features features = QProbe.features("features.npy", all.splitByPrompt(0.25, 0));
        assertFalse(features.drawnHere());
        assertEquals(12, features.candidatesPerPrompt());
        assertTrue(features.toString().contains("features.npy"), features.toString());
        Results run = features.probe(Objective.PG, Objective.MSE).select(Beta.of(0, 1));

        // k = 1, 2, 4, 8 and then the 12 candidates every test prompt has.
        assertEquals(12, run.maxK());
        Estimate pg = run.result(Objective.PG).reward(12, 0);
        assertTrue(pg.value() > run.base().value() + 0.2, "a PG probe on the hidden direction beats the base: " + run);
        var provenance = run.provenance().get("pg");
        assertEquals("features.npy", provenance.features());
        assertEquals(12, provenance.test().samples() / provenance.test().prompts());
        assertEquals(null, provenance.model(), "nothing here sampled these features");
        assertEquals(null, provenance.sampling());
        Results.Saved saved = Results.load(run.save(dir.resolve("run")));
        assertEquals(java.util.List.of("mse", "pg"), java.util.List.copyOf(saved.probes().keySet()),
                "probe files are named by readable ids: probes/pg.json, probes/mse.json");
        assertEquals(provenance, saved.probes().get("pg").provenance());
    }

    @Test
    void onChoosesTheBackendProbesTrainOn() {
        Features features = QProbe.features("mine", SPLIT.train(), SPLIT.test());
        Probes djl = features.on(Backend.djl("cpu"))
                .probe(ProbeSpec.linear(), Defaults.TRAINING.withEpochs(5), TrainingListener.NONE, Objective.MSE);
        assertEquals("djl:cpu", djl.training().get(0).backend());
        Probes cpu = features.on(Backend.cpu()).withTrainPrompts(20, 0).probe(ProbeSpec.linear(),
                Defaults.TRAINING.withEpochs(5), TrainingListener.NONE, Objective.MSE);
        assertEquals("cpu", cpu.training().get(0).backend(), "withTrainPrompts keeps the backend");
    }

    @Test
    void theLargestKIsTheSmallestTestPrompt() {
        // Drop one candidate of the first test prompt: it has 11, so selection stops at k = 11.
        SampleSet test = SPLIT.test();
        int dropped = test.rowsOfPrompt(0)[0];
        SampleSet.Builder fewer = SampleSet.builder(test.dim());
        for (int row = 0; row < test.size(); row++) {
            if (row != dropped) {
                fewer.add(test.promptId(row), test.reward(row), test.features().row(row));
            }
        }
        Features features = QProbe.features("mine", SPLIT.train(), fewer.build());
        assertEquals(11, features.candidatesPerPrompt());
        Probes probes = features.probe(Objective.MSE);
        assertEquals(11, probes.select(Beta.of(0)).maxK());
        var tooBig = assertThrows(IllegalArgumentException.class, () -> probes.select(Beta.of(0), 12));
        assertTrue(tooBig.getMessage().contains("k = 12 exceeds the 11 candidates"), tooBig.getMessage());
    }

    @Test
    void badInputIsNamed() {
        var noSamples = assertThrows(IllegalStateException.class,
                () -> QProbe.features("mine.npy", SPLIT).samples());
        assertTrue(noSamples.getMessage().contains("brought in (mine.npy)"), noSamples.getMessage());
        var blank = assertThrows(IllegalArgumentException.class, () -> QProbe.features(" ", SPLIT));
        assertTrue(blank.getMessage().contains("where the features come from"), blank.getMessage());
        SampleSet otherDim = SyntheticSamples.generate(10, 12, 8, 0.3, 1);
        var dims = assertThrows(IllegalArgumentException.class,
                () -> QProbe.features("mine", SPLIT.train(), otherDim));
        assertTrue(dims.getMessage().contains("train has 16 dims but test has 8"), dims.getMessage());
        String leaked = SPLIT.train().promptIds().get(0);
        SampleSet overlap = SPLIT.train().splitByPrompt(Set.of(leaked)).test();
        var leak = assertThrows(IllegalArgumentException.class, () -> QProbe.features("mine", SPLIT.train(), overlap));
        assertTrue(leak.getMessage().contains("prompt " + leaked + " is in both train and test"), leak.getMessage());
    }

    @Test
    void resultsAreFoundByMethodAndSummarisedByK() {
        Results run = QProbe.features("synthetic", SPLIT).probe(Objective.PG, Objective.MSE).select(Beta.of(0, 0.1));
        assertEquals("MSE", run.result("MSE").label());
        assertEquals("PG(k=10,T=0.1)", run.result(Objective.PG).label());
        assertEquals("PG(k=10,T=0.1)", run.result("PG(k=10,T=0.1)").label());
        var missing = assertThrows(IllegalArgumentException.class, () -> run.result(Objective.CE));
        assertTrue(missing.getMessage().contains("no probe labelled 'CE'") && missing.getMessage().contains("MSE"),
                missing.getMessage());
        assertEquals("PG(k=10,T=0.1)", run.result("PG").label(), "an objective's name finds its probe, as Objective.parse reads it");
        var noPrefix = assertThrows(IllegalArgumentException.class, () -> run.result("PG(k=8"));
        assertTrue(noPrefix.getMessage().contains("these results hold [PG(k=10,T=0.1), MSE]"),
                "no lookup by prefix: " + noPrefix.getMessage());
        var typo = assertThrows(IllegalArgumentException.class, () -> run.result("MSEE"));
        assertTrue(typo.getMessage().contains("did you mean MSE?"), typo.getMessage());
        Results twoPg = QProbe.features("synthetic", SPLIT).probe(Objective.pg(4, 1), Objective.PG)
                .select(Beta.of(0));
        assertEquals("PG(k=4,T=1)", twoPg.result(Objective.pg(4, 1)).label());
        assertEquals("PG(k=10,T=0.1)", twoPg.result("PG").label(), "PG is Objective.PG, not whichever PG came first");
        assertEquals(java.util.List.of("pg-k4-t1", "pg"), java.util.List.copyOf(twoPg.provenance().keySet()));
        var twice = assertThrows(IllegalArgumentException.class,
                () -> QProbe.features("synthetic", SPLIT).probe(Objective.MSE, Objective.MSE));
        assertTrue(twice.getMessage().contains("named twice"), twice.getMessage());
        assertEquals(run.results().get(0).base(), run.base());
        assertEquals(run.results().get(1).oracle(8), run.oracle(8));

        Table summary = run.summary(0.1);
        assertEquals(java.util.List.of("method", "k = 1", "k = 2", "k = 4", "k = 8", "k = 12"), summary.columnNames());
        assertEquals(java.util.List.of("PG(k=10,T=0.1)", "MSE", "oracle (best of k)", "base (mean of pi0)"),
                summary.stringColumn("method").asList());
        Estimate mse = run.result("MSE").reward(4, 0.1);
        assertEquals(String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", mse.value(), mse.low(), mse.high()),
                summary.getString(1, "k = 4"));
        assertTrue(summary.name().contains("beta = 0.1"), summary.name());
        assertTrue(run.summary(0).name().contains("argmax"), run.summary(0).name());
        assertThrows(IllegalArgumentException.class, () -> run.summary(1));
    }
}
