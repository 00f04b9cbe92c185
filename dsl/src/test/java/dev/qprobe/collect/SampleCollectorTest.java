package dev.qprobe.collect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.PreferenceTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector with a scripted sampler and embedder that count their calls. */
class SampleCollectorTest {
    private static final List<Prompt> PROMPTS = List.of(new Prompt("a", "1+1="), new Prompt("b", "2+2="),
            new Prompt("c", "3+3="));
    private static final Task TASK = Tasks.of("sums", PROMPTS, List.of(new Prompt("t", "4+4=")),
            (p, completion) -> completion.equals(answer(p)) ? 1 : 0);

    private static String answer(Prompt p) {
        return Integer.toString(2 * (p.text().charAt(0) - '0'));
    }

    /** Completions "0", "1", ... "k-1"; fails on the prompt whose id is in failOn. */
    private static final class CountingSampler implements Sampler {
        final AtomicInteger calls = new AtomicInteger();
        String failOn = "never";

        @Override
        public String id() {
            return "counting";
        }

        @Override
        public List<Completion> sample(String prompt, SamplingConfig config) {
            if (prompt.startsWith(failOn)) {
                throw new IllegalStateException("endpoint unreachable");
            }
            calls.incrementAndGet();
            List<Completion> out = new ArrayList<>();
            for (int i = 0; i < config.k(); i++) {
                out.add(new Completion(Integer.toString(i), 1, true));
            }
            return out;
        }
    }

    private static final class LengthEmbedder implements Embedder {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String id() {
            return "length";
        }

        @Override
        public int dim() {
            return 2;
        }

        @Override
        public float[][] embed(String prompt, List<String> completions) {
            calls.incrementAndGet();
            float[][] f = new float[completions.size()][];
            for (int i = 0; i < f.length; i++) {
                f[i] = new float[] {prompt.charAt(0) - '0', Float.parseFloat(completions.get(i))};
            }
            return f;
        }
    }

    @Test
    void collectsSamplesRewardsAndFeaturesAndReportsProgress() throws Exception {
        List<Long> progress = new ArrayList<>();
        SampleSet set = new SampleCollector(new CountingSampler(), new LengthEmbedder(), SamplingConfig.of(8), null)
                .withProgress((stage, done, total) -> progress.add(done * 100 + total))
                .collect(TASK, PROMPTS);
        assertEquals(24, set.size());
        assertEquals(List.of("a", "b", "c"), set.promptIds());
        assertEquals(List.of(3L, 103L, 203L, 303L), progress);
        // "2" is right for 1+1=, "4" for 2+2=, "6" for 3+3=: one right completion per prompt.
        assertEquals(3, java.util.Arrays.stream(set.rewards()).sum());
        assertEquals(1.0, set.reward(2));
        assertArrayEquals(new float[] {2, 5}, set.sample(13).features());
        assertEquals("2+2=", set.sample(13).prompt());
    }

    @Test
    void aRerunReadsTheCacheAndAnInterruptedRunResumes(@TempDir Path cache) throws Exception {
        CountingSampler sampler = new CountingSampler();
        LengthEmbedder embedder = new LengthEmbedder();
        SampleCollector collector = new SampleCollector(sampler, embedder, SamplingConfig.of(4), cache);
        sampler.failOn = "3+3";
        var failed = assertThrows(IllegalStateException.class, () -> collector.collect(TASK, PROMPTS));
        assertTrue(failed.getMessage().contains("unreachable"));
        assertEquals(2, sampler.calls.get(), "prompts a and b were sampled before the failure");

        sampler.failOn = "never";
        SampleSet resumed = collector.collect(TASK, PROMPTS);
        assertEquals(3, sampler.calls.get(), "the resumed run samples only prompt c");
        assertEquals(3, embedder.calls.get());
        SampleSet again = collector.collect(TASK, PROMPTS);
        assertEquals(3, sampler.calls.get(), "a re-run samples nothing");
        assertEquals(3, embedder.calls.get(), "and embeds nothing");
        assertArrayEquals(resumed.rewards(), again.rewards());
        assertArrayEquals(resumed.features().array(), again.features().array());

        new SampleCollector(sampler, embedder, SamplingConfig.of(4).withSeed(9), cache).collect(TASK, PROMPTS);
        assertEquals(6, sampler.calls.get(), "another seed is another cache entry");
    }

    @Test
    void promptsInFlightAreBoundedAndResultsKeepPromptOrder() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Sampler slow = new Sampler() {
            private final CountingSampler inner = new CountingSampler();

            @Override
            public String id() {
                return "slow";
            }

            @Override
            public List<Completion> sample(String prompt, SamplingConfig config) {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(prompt.startsWith("1") ? 150 : 30);  // the first prompt finishes last
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return inner.sample(prompt, config);
            }
        };
        List<Prompt> many = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            many.add(new Prompt("p" + i, i + "+" + i + "="));
        }
        Task task = Tasks.of("many", many, List.of(new Prompt("t", "0+0=")), (p, c) -> 0);
        SampleSet set = new SampleCollector(slow, new LengthEmbedder(), SamplingConfig.of(2), null).withConcurrency(3)
                .collect(task, many);
        assertEquals(3, most.get(), "three prompts in flight at most, and at least");
        assertEquals(many.stream().map(Prompt::id).toList(), set.promptIds());
        assertEquals(2f, set.sample(2).features()[0], "row 2 belongs to prompt p2 (2+2=)");
        assertThrows(IllegalArgumentException.class, () -> new SampleCollector(slow, new LengthEmbedder(),
                SamplingConfig.of(2), null).withConcurrency(0));
    }

    @Test
    void preferenceTasksAddPairsWithinEachPrompt() throws Exception {
        PreferenceTask preference = Tasks.preference(TASK, TASK::reward, 0.1);
        SampleSet set = new SampleCollector(new CountingSampler(), new LengthEmbedder(), SamplingConfig.of(6), null)
                .withPairsPerPrompt(5).collect(preference, PROMPTS);
        assertEquals(15, set.pairs().size());
        set.pairs().forEach(pair -> assertEquals(set.promptId(pair.chosen()), set.promptId(pair.rejected())));
        var none = assertThrows(IllegalArgumentException.class,
                () -> new SampleCollector(new CountingSampler(), new LengthEmbedder(), SamplingConfig.of(2), null)
                        .collect(TASK, List.of()));
        assertTrue(none.getMessage().contains("no prompts"));
    }
}
