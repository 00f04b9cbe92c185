package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.cache.CacheKey;
import dev.qprobe.cache.SampleCache;
import dev.qprobe.model.Completion;
import dev.qprobe.model.TorchThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qprobe cache verify|repair} on a cache the test damages, and the global {@code --threads}. */
class CacheCommandTest {
    private static final CacheKey KEY = CacheKey.of("sampler", "test", "k", "2");

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void verifyFindsDamageAndRepairSalvagesEveryValidRecord(@TempDir Path root) throws Exception {
        Path dir;
        try (SampleCache cache = SampleCache.open(root, KEY)) {
            for (String id : List.of("a", "b", "c")) {
                cache.putSamples(id, List.of(new Completion(id + "1", 1, true), new Completion(id + "2", 1, true)),
                        new double[] {0, 1});
            }
            dir = cache.directory();
        }
        Path log = dir.resolve("records.log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[9] ^= 1; // the header
        bytes[bytes.length / 2] ^= 1; // record b
        Files.write(log, bytes);

        CliRun verify = run("cache", "verify", root.toString());
        assertEquals(1, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().contains("DAMAGED (checksum mismatch)") && verify.out().contains("whole records: 2")
                && verify.out().contains("qprobe cache repair " + root), verify.out());
        CliRun repair = run("cache", "repair", dir.toString());
        assertEquals(0, repair.code(), repair.out() + repair.err());
        assertTrue(repair.out().contains("repaired: rewrote the header") && repair.out().contains("repaired: set aside"),
                repair.out());
        CliRun again = run("cache", "verify", dir.toString());
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("healthy"), again.out());
        try (SampleCache cache = SampleCache.open(root, KEY)) {
            assertEquals(List.of("a", "c"), List.copyOf(cache.promptIds()));
        }
        CliRun missing = run("cache", "verify", root.resolve("nope").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void threadsIsAcceptedBeforeOrAfterTheCommand(@TempDir Path root) throws Exception {
        SampleCache.open(root, KEY).close();
        try {
            assertEquals(0, run("--threads", "3", "cache", "verify", root.toString()).code());
            assertEquals("3", System.getProperty(TorchThreads.PROPERTY));
            assertEquals(0, run("cache", "verify", "--threads", "1", root.toString()).code());
            assertEquals("1", System.getProperty(TorchThreads.PROPERTY));
            CliRun bad = run("--threads", "-2", "cache", "verify", root.toString());
            assertEquals(2, bad.code());
            assertTrue(bad.err().contains("--threads is -2"), bad.err());
        } finally {
            System.clearProperty(TorchThreads.PROPERTY);
        }
    }
}
