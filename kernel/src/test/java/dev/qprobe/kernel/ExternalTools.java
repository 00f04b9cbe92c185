package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs from outside the JVM that the conformance tests drive the kernel with: Debian's
 * Jupyter tools under {@code /usr/bin}, Chromium. On a developer's machine without them those
 * tests are skipped; in CI ({@code CI=true}, where {@code .ci/run} installs them) a missing one fails.
 */
final class ExternalTools {
    /** Debian's Python, which has the Jupyter packages (the {@code python3} on PATH may not). */
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path JUPYTER = Path.of("/usr/bin/jupyter");

    private ExternalTools() {
    }

    /**
     * Returns {@code program} if it is installed; otherwise skips the test, or fails it in CI.
     *
     * @param installedBy what installs it, for the message
     */
    static Path require(Path program, String installedBy) {
        if (!Files.isExecutable(program)) {
            missing(program.toString(), installedBy);
        }
        return program;
    }

    /** Skips the test, or fails it in CI, because {@code what} is not installed. */
    private static void missing(String what, String installedBy) {
        String message = what + " is not installed (" + installedBy + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + ": .ci/run should have installed it");
        }
        Assumptions.abort(message + "; skipped outside CI");
    }

    /** Whether the Python module {@code module} imports in {@link #PYTHON}; skips or fails like {@link #require}. */
    static void requirePythonModule(String module, String installedBy) throws IOException, InterruptedException {
        require(PYTHON, "apt-get install python3");
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (p.waitFor() != 0) {
            missing("the Python module " + module + " (for " + PYTHON + ")", installedBy);
        }
    }
}
