package dev.qprobe.cache;

import static dev.qprobe.cache.Fixtures.assertSameFeatures;
import static dev.qprobe.cache.Fixtures.assertSameSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qprobe.data.PromptSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A cache under {@code root} holding the samples then the features of p0, p1 and p2: six records,
 * record 2p + 1 the samples and 2p + 2 the features of prompt p.
 */
final class ThreePrompts {
    static final CacheKey KEY = CacheKey.of("sampler", "fake-lm", "task", "arith", "k", "3");
    static final String EMB = "emb/layer-12";
    static final int K = 3;
    static final int D = 4;

    final Path root;
    final List<String> warnings = new ArrayList<>();

    ThreePrompts(Path root) {
        this.root = root;
    }

    SampleCache open() throws IOException {
        return SampleCache.open(root, KEY, warnings::add);
    }

    Path directory() {
        return root.resolve(KEY.digest());
    }

    Path log() {
        return directory().resolve(SampleCache.LOG_FILE);
    }

    /** Writes the six records; element r of the result is the log's size after r records (0: the header). */
    long[] write() throws Exception {
        long[] ends = new long[7];
        try (SampleCache cache = open()) {
            ends[0] = Files.size(log());
            for (int p = 0; p < 3; p++) {
                String id = "p" + p;
                Fixtures.put(cache, id, K);
                ends[2 * p + 1] = Files.size(log());
                cache.putFeatures(id, EMB, Fixtures.features(id, EMB, K, D));
                ends[2 * p + 2] = Files.size(log());
            }
        }
        assertEquals(RecordCodec.HEADER_BYTES, ends[0]);
        return ends;
    }

    /** Checks that {@code cache} holds exactly the first {@code records} of the six records. */
    static void assertHoldsFirst(SampleCache cache, int records) throws IOException {
        Set<Integer> held = new HashSet<>();
        for (int r = 1; r <= records; r++) {
            held.add(r);
        }
        assertHolds(cache, held, 0);
    }

    /**
     * Checks that {@code cache} holds exactly {@code records} (numbers 1 to 6) of the six, bit for
     * bit, and {@code others} prompts besides p0 to p2.
     */
    static void assertHolds(SampleCache cache, Set<Integer> records, int others) throws IOException {
        int prompts = 0;
        for (int p = 0; p < 3; p++) {
            String id = "p" + p;
            boolean hasSamples = records.contains(2 * p + 1);
            boolean hasFeatures = records.contains(2 * p + 2);
            Optional<PromptSamples> samples = cache.samples(id);
            assertEquals(hasSamples, samples.isPresent(), id + " samples, records " + records);
            if (hasSamples) {
                prompts++;
                assertSameSamples(Fixtures.samples(id, K), samples.get());
            }
            assertEquals(hasFeatures, cache.hasFeatures(id, EMB), id + " features, records " + records);
            Optional<float[][]> features = cache.features(id, EMB);
            assertEquals(hasFeatures, features.isPresent());
            if (hasFeatures) {
                assertSameFeatures(Fixtures.features(id, EMB, K, D), features.get());
            }
        }
        assertEquals(prompts + others, cache.size());
    }
}
