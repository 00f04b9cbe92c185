package dev.qprobe.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A private Jupyter installation in a directory: a kernelspec that starts {@link KernelMain} with
 * this test JVM's class path, and Jupyter's tools run against it with a time limit.
 *
 * <p>The tools see only this directory: {@code JUPYTER_PATH} points at its kernelspec and the
 * data, runtime and config directories are its own, so kernels the user installed (and their
 * settings) neither interfere nor get touched.
 */
final class JupyterSandbox {
    /**
     * The sample cache of the notebooks run by tests: sampling the built-in model is the slow part,
     * so the notebook run, the browser check and the cli module's demo test share it (in the
     * reactor root's target/, so {@code mvn clean} empties it).
     */
    static final Path SAMPLE_CACHE = Path.of("..", "target", "qprobe-test-cache").toAbsolutePath().normalize();

    private final Path root;
    private final String kernelName;
    private int runs;

    private JupyterSandbox(Path root, String kernelName) {
        this.root = root;
        this.kernelName = kernelName;
    }

    /** Installs a kernelspec with a unique name under {@code root}, an empty directory the caller owns. */
    static JupyterSandbox install(Path root) throws IOException {
        Path prefix = root.resolve("prefix");
        String name = "qprobe-test-" + UUID.randomUUID().toString().substring(0, 8);
        // No class archive: the test class path has class directories, which an archive cannot hold.
        KernelSpec.install(KernelSpec.prefixKernelsDir(prefix), name, false);
        return new JupyterSandbox(root, name);
    }

    /** The installed kernelspec's name, for {@code --kernel} and the like. */
    String kernelName() {
        return kernelName;
    }

    /** Points a Jupyter tool's environment at this sandbox: its kernelspec, its own data, runtime and config. */
    void isolate(Map<String, String> env) {
        env.put("JUPYTER_PATH", root.resolve("prefix/share/jupyter").toString());
        env.put("JUPYTER_DATA_DIR", directory("data").toString());
        env.put("JUPYTER_RUNTIME_DIR", directory("runtime").toString());
        env.put("JUPYTER_CONFIG_DIR", directory("config").toString());
        env.put("IPYTHONDIR", directory("ipython").toString());
    }

    /**
     * Runs {@code command} in {@code workDir} with this sandbox's Jupyter environment plus
     * {@code extraEnv}, feeding it {@code stdin} (nothing if null). A command still running after
     * {@code timeout} is killed with everything it started, and the run says so.
     */
    synchronized ToolRun run(List<String> command, Path workDir, Map<String, String> extraEnv, String stdin,
                             Duration timeout) throws IOException, InterruptedException {
        Path log = root.resolve("run-" + (++runs) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        isolate(env);
        env.putAll(extraEnv);
        long start = System.nanoTime();
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(UTF_8));
            }
        } catch (IOException e) {
            // The tool exited without reading its input; its output says why.
        }
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            // Kernels first: a killed client leaves its kernel (and that kernel's engine) running.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        return new ToolRun(command, finished ? process.exitValue() : -1, !finished, wall,
                Files.readString(log, UTF_8));
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One run of a tool: its exit status (-1 if it was killed), whether it ran out of time, how
     * long it took, and its standard output and error, interleaved.
     */
    record ToolRun(List<String> command, int exitCode, boolean timedOut, Duration wall, String output) {
        /** Whether it ended by itself with status 0. */
        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }

        /** The command, how it ended and its whole output: the message for a failed assertion. */
        String report() {
            List<String> lines = new ArrayList<>();
            lines.add("$ " + String.join(" ", command));
            lines.add(timedOut ? "killed after " + wall.toSeconds() + " s: it ran out of time"
                    : "exit status " + exitCode + " after " + wall.toMillis() + " ms");
            lines.add("---- output ----");
            lines.add(output.stripTrailing());
            lines.add("----------------");
            return String.join("\n", lines);
        }
    }
}
