package dev.qprobe.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process for the tests, started with the test class path. {@code write ROOT} fills the
 * cache of {@link #KEY} under ROOT with prompts p0, p1, ... (resuming after what is cached),
 * printing "wrote i" once prompt i is on disk, until killed. {@code probe ROOT} tries to open that
 * cache and prints "opened" or the error message.
 */
final class CacheChild {
    static final CacheKey KEY = CacheKey.of("test", "kill", "k", "8");
    static final int K = 8;
    static final int D = 2048;
    static final String SOURCE = "emb";

    private CacheChild() {
    }

    /** Starts {@code java -cp <this class path> CacheChild mode root}. */
    static Process start(String mode, Path root, Path stderr) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                CacheChild.class.getName(), mode, root.toString()));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        if (args[0].equals("probe")) {
            try {
                SampleCache.open(root, KEY).close();
                System.out.println("opened");
            } catch (IOException e) {
                System.out.println(e.getMessage());
            }
            return;
        }
        // Stop when the test process goes away (stdin closes), so no orphan fills the disk.
        Thread watchdog = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    // nothing is sent; only end of input matters
                }
            } catch (IOException e) {
                // treat as end of input
            }
            Runtime.getRuntime().halt(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        try (SampleCache cache = SampleCache.open(root, KEY)) {
            for (int i = 0; i < 100_000; i++) {
                String id = "p" + i;
                if (cache.samples(id).isEmpty()) {
                    Fixtures.put(cache, id, K);
                }
                if (!cache.hasFeatures(id, SOURCE)) {
                    cache.putFeatures(id, SOURCE, Fixtures.features(id, SOURCE, K, D));
                }
                System.out.println("wrote " + i);
                System.out.flush();
            }
        }
    }
}
