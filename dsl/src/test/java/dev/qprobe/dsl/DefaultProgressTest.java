package dev.qprobe.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qprobe.collect.ProgressListener;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.Tasks;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process-wide progress default: heard when the user named no listener, silent when they did. */
class DefaultProgressTest {
    private static final Task TINY = Tasks.of("tiny", List.of(new Prompt("a", "1+1="), new Prompt("b", "2+3=")),
            List.of(new Prompt("c", "4+4=")), (p, c) -> c.endsWith("-0") ? 1 : 0);
    private static final Sampler NUMBERED = new Sampler() {
        @Override
        public String id() {
            return "numbered";
        }

        @Override
        public List<Completion> sample(String prompt, SamplingConfig config) {
            return IntStream.range(0, config.k()).mapToObj(i -> new Completion(prompt + "-" + i, 1, true)).toList();
        }
    };
    private static final Embedder LENGTHS = new Embedder() {
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

    private final List<String> heard = new ArrayList<>();
    private final ProgressListener recorder = (stage, done, total) -> heard.add(stage + " " + done + "/" + total);

    @AfterEach
    void reset() {
        DefaultProgress.set(ProgressListener.NONE);
    }

    private static Experiment experiment() {
        return QProbe.task(TINY).model(Models.of(NUMBERED)).noCache();
    }

    @Test
    void samplingAndEmbeddingReportToTheDefaultWhenNoListenerIsGiven() {
        DefaultProgress.set(recorder);
        experiment().sample(2, 0.8).embed(Embed.of(LENGTHS));
        assertEquals(List.of("sampling 2 x 2 prompts 0/2", "sampling 2 x 2 prompts 1/2", "sampling 2 x 2 prompts 2/2",
                "sampling 2 x 1 prompts 0/1", "sampling 2 x 1 prompts 1/1",
                "embedding 2 x 2 prompts 0/2", "embedding 2 x 2 prompts 1/2", "embedding 2 x 2 prompts 2/2",
                "embedding 2 x 1 prompts 0/1", "embedding 2 x 1 prompts 1/1"), heard);
    }

    @Test
    void aListenerGivenByTheUserReplacesTheDefault() {
        DefaultProgress.set(recorder);
        List<Long> mine = new ArrayList<>();
        experiment().progress((stage, done, total) -> mine.add(done)).sample(2, 0.8);
        assertEquals(List.of(), heard);
        assertEquals(List.of(0L, 1L, 2L, 0L, 1L), mine);
        experiment().progress(ProgressListener.NONE).sample(2, 0.8);
        assertEquals(List.of(), heard, "NONE from the user means silence, not the default");
    }

    @Test
    void trainingReportsEachProbeAsAStageOfEpochs() {
        Features features = experiment().sample(2, 0.8).embed(Embed.of(LENGTHS));
        DefaultProgress.set(recorder);
        TrainerConfig threeEpochs = Defaults.TRAINING.withEpochs(3);
        features.probe(ProbeSpec.linear(), threeEpochs, Objective.MSE, Objective.CE);
        List<String> expected = new ArrayList<>();
        for (String objective : List.of("MSE", "CE")) {
            for (int epoch = 0; epoch <= 3; epoch++) {
                expected.add("training " + objective + " probe (3 epochs) " + epoch + "/3");
            }
        }
        assertEquals(expected, heard);

        heard.clear();
        List<Integer> mine = new ArrayList<>();
        features.probe(ProbeSpec.linear(), threeEpochs, (epoch, epochs, loss) -> mine.add(epoch), Objective.MSE);
        assertEquals(List.of(), heard);
        assertEquals(List.of(1, 2, 3), mine);
        features.probe(ProbeSpec.linear(), threeEpochs, TrainingListener.NONE, Objective.MSE);
        assertEquals(List.of(), heard);
    }

    @Test
    void nullIsRefusedWithTheParameterNamed() {
        assertEquals("progress", assertThrows(NullPointerException.class, () -> DefaultProgress.set(null)).getMessage());
        assertEquals("listener", assertThrows(NullPointerException.class, () -> experiment().progress(null))
                .getMessage());
    }
}
