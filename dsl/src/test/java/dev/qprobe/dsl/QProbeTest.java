package dev.qprobe.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.probe.Provenance;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.PreferenceTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Tasks;
import dev.qprobe.train.Objective;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The four verbs end to end on the built-in model and a small arithmetic task. */
class QProbeTest {
    private static final ArithmeticTask SMALL = ArithmeticTask.create(60, 30, 3);

    @Test
    void sampleEmbedProbeSelectOnTheBuiltinModel(@TempDir Path cache, @TempDir Path out) throws Exception {
        Experiment experiment = QProbe.task(SMALL).model(Models.builtin()).cache(cache);
        Samples samples = experiment.sample(16, 0.8);
        assertEquals(60, samples.train().size());
        assertTrue(samples.toString().contains("base rate"), samples.toString());
        Features features = samples.embed(Embed.hidden(-1));
        assertEquals(30 * 16, features.test().size());
        Probes probes = features.probe(Objective.PG, Objective.MSE);
        Results run = probes.select(Beta.of(0, 0.1));
        Table table = run.table();
        assertEquals(List.of("method", "k", "beta", "reward", "ci_low", "ci_high", "selection_kl_bound"), table.columnNames());
        // k = 1, 2, 4, 8, 16 for 2 probes x 2 betas, one base row, 5 oracle rows.
        assertEquals(5 * 2 * 2 + 1 + 5, table.rowCount());
        var pg = run.results().get(0);
        assertTrue(pg.reward(16, 0).value() > pg.base().value(), run.toString());
        assertTrue(run.toString().startsWith("Results[30 test prompts"), run.toString());
        assertTrue(probes.probe(Objective.PG).dim() == 96);

        var chart = run.chart();
        assertEquals(800, chart.image().getWidth());
        assertTrue(chart.svg().contains("PG(k=10,T=0.1)"), "the legend names the probes");
        // Save and load: same table, same probes, provenance that says what produced them.
        Results.Saved back = Results.load(run.save(out));
        assertEquals(table.rowCount(), back.table().rowCount());
        for (int i = 0; i < table.rowCount(); i++) {
            assertEquals(table.doubleColumn("reward").get(i), back.table().numberColumn("reward").getDouble(i), 1e-12);
        }
        assertArrayEquals(probes.probe(Objective.PG).scores(features.test()),
                back.probes().get("pg").scores(features.test()));
        Provenance provenance = back.probes().get("pg").provenance();
        assertEquals(provenance, probes.probe(Objective.PG).provenance(), "the file says all the probe knew");
        assertEquals(SMALL.name(), provenance.task());
        assertEquals("PG(k=10,T=0.1)", provenance.objective());
        assertEquals(Models.builtin().id(), provenance.model());
        assertEquals(60, provenance.train().prompts());
        assertEquals(60 * 16, provenance.train().samples());
        assertEquals(64, provenance.test().sha256().length());
        for (String file : List.of("reward-vs-k.png", "reward-vs-k.svg", "reward-vs-beta.png", "reward-vs-kl.svg",
                "loss.png")) {
            assertTrue(java.nio.file.Files.size(out.resolve(file)) > 1000, file);
        }
        assertEquals(16, provenance.sampling().k());
        assertTrue(provenance.features().contains("hidden(layer=-1"), provenance.toString());
        assertTrue(java.nio.file.Files.readString(out.resolve("provenance.json")).contains("\"mse\""));

        // One call, one table: the data-limited regime.
        Table sweep = Sweep.over("train_prompts", List.of(15, 60),
                n -> features.withTrainPrompts(n, 0).probe(Objective.MSE).select(Beta.of(0)));
        assertEquals(2 * (5 + 1 + 5), sweep.rowCount());
        assertEquals("train_prompts", sweep.columnNames().get(0));

        // A re-run of the same cell reads the cache: identical features.
        Features again = QProbe.task(SMALL).cache(cache).sample(16, 0.8).embed(Embed.hidden(-1));
        assertArrayEquals(features.train().features().array(), again.train().features().array());
    }

    @Test
    void pairwiseProbeLearnsFromPreferencePairsAndIsScoredByTheHiddenReward(@TempDir Path cache) {
        // A rater who prefers the right worked addition, as sigmoid((r(a) - r(b)) / 0.1).
        dev.qprobe.task.WorkedAdditionTask worked = dev.qprobe.task.WorkedAdditionTask.create(60, 30, 1);
        PreferenceTask preferences = dev.qprobe.task.Tasks.preference(worked, worked::reward, 0.1);
        Features features = QProbe.task(preferences).cache(cache).sample(16, 0.8).embed(Embed.hidden(-1));
        assertTrue(features.train().pairs().size() >= 60 * 16, "2k pairs per prompt: " + features.train());
        Results run = features.probe(Objective.PAIRWISE).select(Beta.of(0));
        var pairwise = run.results().get(0);
        // The hidden reward (the right answer) is what selection is scored on.
        assertTrue(pairwise.reward(16, 0).value() > pairwise.base().value() + 0.2, run.toString());
    }

    @Test
    void embeddingUsesTheSamplesDrawnAndDoesNotSampleAgain() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        dev.qprobe.model.Sampler counting = new dev.qprobe.model.Sampler() {
            @Override
            public String id() {
                return "counting";
            }

            @Override
            public List<dev.qprobe.model.Completion> sample(String prompt, dev.qprobe.model.SamplingConfig config) {
                int call = calls.incrementAndGet();
                return java.util.stream.IntStream.range(0, config.k())
                        .mapToObj(i -> new dev.qprobe.model.Completion(call + "-" + i, 1, true)).toList();
            }
        };
        dev.qprobe.model.Embedder lengths = new dev.qprobe.model.Embedder() {
            @Override
            public String id() {
                return "lengths";
            }

            @Override
            public int dim() {
                return 1;
            }

            @Override
            public float[][] embed(String prompt, List<String> completions) {
                return completions.stream().map(c -> new float[] {c.length()}).toArray(float[][]::new);
            }
        };
        var tiny = Tasks.of("tiny", List.of(new Prompt("a", "1+1="), new Prompt("b", "2+3=")),
                List.of(new Prompt("c", "4+4=")), (p, c) -> c.endsWith("-0") ? 1 : 0);
        Samples samples = QProbe.task(tiny).model(Models.of(counting)).noCache().sample(4, 0.8);
        assertEquals(3, calls.get());
        Features features = samples.embed(Embed.of(lengths));
        assertEquals(3, calls.get(), "embed() must not sample again");
        assertEquals("3-0", features.test().sample(0).completion(), "the completions embedded are the ones drawn");
    }

    @Test
    void errorsSayWhatToDo(@TempDir Path cache) {
        var tiny = Tasks.of("tiny", List.of(new Prompt("a", "1+1="), new Prompt("b", "2+3=")),
                List.of(new Prompt("c", "4+4=")), (p, c) -> c.trim().length() / 10.0);
        Samples samples = QProbe.task(tiny).cache(cache).sample(4, 0.8);
        Features features = samples.embed(Embed.hidden(-1));
        var binary = assertThrows(IllegalArgumentException.class, () -> features.probe(Objective.CE));
        assertTrue(binary.getMessage().contains("use MSE or PG"), binary.getMessage());
        Probes probes = features.probe(Objective.MSE);
        var tooBig = assertThrows(IllegalArgumentException.class, () -> probes.select(Beta.standard(), 1, 8));
        assertTrue(tooBig.getMessage().contains("k = 8 exceeds the 4 samples drawn"), tooBig.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> Beta.of(0, -0.5));
        assertTrue(negative.getMessage().contains(">= 0"), negative.getMessage());
        var api = assertThrows(UnsupportedOperationException.class, () -> samples.embed(Embed.api()));
        assertTrue(api.getMessage().contains("Embed.hidden"), api.getMessage());
    }
}
