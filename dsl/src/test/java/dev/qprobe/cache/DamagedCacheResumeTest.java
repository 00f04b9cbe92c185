package dev.qprobe.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.collect.SampleCollector;
import dev.qprobe.data.SampleSet;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.Tasks;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks on a whole run's cache: a flipped byte at 10%, 50% and 97% of the log, a
 * truncation mid-record, a damaged header and a damaged key file. Each loses at most the damaged
 * records (the resumed run asks the sampler and embedder only for those), and the resumed run's
 * results table is identical to an undamaged run's.
 */
class DamagedCacheResumeTest {
    private static final int K = 8;
    private static final List<Prompt> PROMPTS = prompts(60);
    private static final Task TASK = Tasks.of("parity", PROMPTS, List.of(new Prompt("t", "test")),
            (p, completion) -> completion.endsWith(Integer.toString(p.text().length() % 2)) ? 1 : 0);

    @TempDir
    static Path pristineRoot;
    private static String undamagedTable;

    @TempDir
    Path root;

    private static List<Prompt> prompts(int n) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(new Prompt("q" + i, "question " + "x".repeat(i % 7) + i));
        }
        return prompts;
    }

    /** Completions that depend only on the prompt, so that re-sampling gives the same ones. */
    private static final class SeededSampler implements Sampler {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String id() {
            return "seeded";
        }

        @Override
        public List<Completion> sample(String prompt, SamplingConfig config) {
            calls.incrementAndGet();
            SplittableRandom random = new SplittableRandom(prompt.hashCode());
            List<Completion> out = new ArrayList<>();
            for (int i = 0; i < config.k(); i++) {
                out.add(new Completion("answer " + random.nextInt(100) + " " + random.nextInt(2), 3, true));
            }
            return out;
        }
    }

    private static final class TextEmbedder implements Embedder {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String id() {
            return "text-hash";
        }

        @Override
        public int dim() {
            return 6;
        }

        @Override
        public float[][] embed(String prompt, List<String> completions) {
            calls.incrementAndGet();
            float[][] f = new float[completions.size()][dim()];
            for (int i = 0; i < f.length; i++) {
                String c = completions.get(i);
                SplittableRandom random = new SplittableRandom((prompt + c).hashCode());
                for (int j = 0; j < dim() - 1; j++) {
                    f[i][j] = (float) random.nextGaussian();
                }
                f[i][dim() - 1] = c.endsWith("1") ? 1 : -1; // the signal a probe can find
            }
            return f;
        }
    }

    /** One run: collect through the cache, train a PG probe, evaluate; the results table as CSV. */
    private static String run(Path cacheRoot, SeededSampler sampler, TextEmbedder embedder) throws IOException {
        SampleSet set = new SampleCollector(sampler, embedder, SamplingConfig.of(K), cacheRoot).collect(TASK, PROMPTS);
        SampleSet.Split split = set.splitByPrompt(0.25, 0);
        Probe probe = new Trainer(TrainerConfig.defaults().withEpochs(20).withSeed(1))
                .train(split.train(), ProbeSpec.linear(), Objective.pg(4, 1.0)).probe();
        StringWriter csv = new StringWriter();
        Evaluation.evaluate("PG", split.test(), probe.scores(split.test()), EvaluationGrid.defaults().withKs(1, 2, 4, 8))
                .table().write().csv(csv);
        StringWriter samples = new StringWriter();
        set.table().write().csv(samples);
        return csv + "\n" + samples + "\n" + Arrays.toString(set.features().array());
    }

    @BeforeAll
    static void undamagedRun() throws IOException {
        SeededSampler sampler = new SeededSampler();
        undamagedTable = run(pristineRoot, sampler, new TextEmbedder());
        assertEquals(PROMPTS.size(), sampler.calls.get());
    }

    /** A copy of the undamaged cache, damaged by {@code damage}; returns its log. */
    private Path damagedCopy(Consumer<Path> damage) throws IOException {
        Path source = pristineRoot.resolve(new SampleCollector(new SeededSampler(), new TextEmbedder(), SamplingConfig.of(K),
                pristineRoot).key(TASK).digest());
        Path target = Files.createDirectories(root.resolve(source.getFileName()));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        damage.accept(target);
        return target;
    }

    private static void flipByteAt(Path directory, double fraction) {
        try {
            flipByte(directory, (long) (Files.size(directory.resolve(SampleCache.LOG_FILE)) * fraction));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void flipByte(Path directory, long index) {
        try {
            Path log = directory.resolve(SampleCache.LOG_FILE);
            byte[] bytes = Files.readAllBytes(log);
            bytes[(int) index] ^= (byte) 0xFF;
            Files.write(log, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resumes on the damaged copy and checks that only what was damaged is made again. */
    private void assertResumesLosingAtMostOnePrompt(Path directory) throws IOException {
        SeededSampler sampler = new SeededSampler();
        TextEmbedder embedder = new TextEmbedder();
        assertEquals(undamagedTable, run(root, sampler, embedder));
        assertTrue(sampler.calls.get() <= 1, sampler.calls + " prompts sampled again");
        assertTrue(embedder.calls.get() <= 1, embedder.calls + " prompts embedded again");
        assertTrue(sampler.calls.get() + embedder.calls.get() >= 1, "the damaged record was noticed");
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("records.log.damaged-")).count());
        }
        SeededSampler again = new SeededSampler();
        assertEquals(undamagedTable, run(root, again, new TextEmbedder()));
        assertEquals(0, again.calls.get());
    }

    @Test
    void aFlippedByteAtTenFiftyOrNinetySevenPercentCostsOnlyItsRecord() throws IOException {
        for (double at : new double[] {0.10, 0.50, 0.97}) {
            Path directory = damagedCopy(d -> flipByteAt(d, at));
            assertResumesLosingAtMostOnePrompt(directory);
            deleteTree(directory);
        }
    }

    @Test
    void aTruncationMidRecordCostsOnlyThatRecord() throws IOException {
        Path directory = damagedCopy(d -> {
            try {
                Path log = d.resolve(SampleCache.LOG_FILE);
                byte[] bytes = Files.readAllBytes(log);
                Files.write(log, Arrays.copyOf(bytes, bytes.length - 50)); // into the last features record
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertResumesLosingAtMostOnePrompt(directory);
    }

    @Test
    void aDamagedHeaderOrKeyFileIsRepairedWithoutLosingARecord() throws IOException {
        for (String part : new String[] {"header", "key"}) {
            Path directory = damagedCopy(d -> {
                try {
                    if (part.equals("header")) {
                        flipByte(d, 9); // in the format version: once read as "version 65281"
                    } else {
                        Path key = d.resolve("key.json");
                        Files.writeString(key, Files.readString(key).replace("parity", "parjty"));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            SeededSampler sampler = new SeededSampler();
            CacheDamagedException e = assertThrows(CacheDamagedException.class,
                    () -> run(root, sampler, new TextEmbedder()));
            assertTrue(e.getMessage().contains("qprobe cache repair " + directory), e.getMessage());
            assertEquals(0, sampler.calls.get());
            assertTrue(CacheRepair.repair(directory).healthy());
            assertEquals(undamagedTable, run(root, sampler, new TextEmbedder()));
            assertEquals(0, sampler.calls.get(), part + ": nothing was sampled again");
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(directory);
    }
}
