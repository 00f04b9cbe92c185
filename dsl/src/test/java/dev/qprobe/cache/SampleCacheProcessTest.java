package dev.qprobe.cache;

import static dev.qprobe.cache.Fixtures.assertSameFeatures;
import static dev.qprobe.cache.Fixtures.assertSameSamples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store seen from a second process: it cannot open a store in use, and a writer killed at an
 * arbitrary moment, several times over, leaves only whole records and resumes after them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a safety net against a hung child, not a timing check
class SampleCacheProcessTest {
    @TempDir
    Path root;

    @Test
    void anotherProcessCannotOpenAStoreInUse() throws Exception {
        try (SampleCache cache = SampleCache.open(root, CacheChild.KEY)) {
            // A failed open from this process closes its own file channel; the lock must survive that.
            assertThrows(IOException.class, () -> SampleCache.open(root, CacheChild.KEY));
            Process probe = CacheChild.start("probe", root, root.resolve("probe.err"));
            String out = new String(probe.getInputStream().readAllBytes()).strip();
            assertEquals(0, probe.waitFor(), Files.readString(root.resolve("probe.err")));
            assertEquals("cache " + cache.directory() + " is in use by another process", out);
        }
        Process probe = CacheChild.start("probe", root, root.resolve("probe.err"));
        assertEquals("opened", new String(probe.getInputStream().readAllBytes()).strip());
        assertEquals(0, probe.waitFor());
    }

    @Test
    void everyRecordReadAfterAKillIsWholeAndTheWriterResumes() throws Exception {
        int reported = -1;
        List<String> warnings = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            int target = reported + 10;
            Path stderr = root.resolve("child-" + round + ".err");
            Process child = CacheChild.start("write", root, stderr);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (reported < target && (line = out.readLine()) != null) {
                    reported = Integer.parseInt(line.substring("wrote ".length()));
                }
                assertEquals(target, reported, "the child stopped early: " + Files.readString(stderr));
                child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, maybe mid-write
                child.waitFor();
            }
            try (SampleCache cache = SampleCache.open(root, CacheChild.KEY, warnings::add)) {
                int n = cache.size();
                assertTrue(n >= reported + 1, "prompts reported written are all on disk: " + n + " <= " + reported);
                int i = 0;
                for (String id : cache.promptIds()) {
                    assertEquals("p" + i, id, "prompts are written in order");
                    assertSameSamples(Fixtures.samples(id, CacheChild.K), cache.samples(id).orElseThrow());
                    Optional<float[][]> features = cache.features(id, CacheChild.SOURCE);
                    if (i <= reported) {
                        assertTrue(features.isPresent(), id + " was reported written with its features");
                    }
                    if (features.isPresent()) {
                        assertSameFeatures(Fixtures.features(id, CacheChild.SOURCE, CacheChild.K, CacheChild.D),
                                features.get());
                    }
                    i++;
                }
                reported = n - 1 - (cache.hasFeatures("p" + (n - 1), CacheChild.SOURCE) ? 0 : 1);
            }
        }
        // A warning is expected only when a kill landed mid-write; whichever happened, it says so.
        for (String warning : warnings) {
            assertTrue(warning.contains("will be re-made"), warning);
        }
    }
}
