package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jupyter console}, for the JShell-minded, runs cells on our kernel. Its input is piped:
 * with {@code --simple-prompt} (no terminal needed) it reads one cell per line and ends, shutting
 * the kernel down, at the end of its input.
 */
class JupyterConsoleTest {
    /** The console prints a cell's value as "Out[n]: value". */
    private static final Pattern ANSWER = Pattern.compile("Out\\[\\d+\\]: 42\\b");

    @TempDir
    Path dir;

    @Test
    void aConsoleRunsCellsAndShowsTheirValuesAndOutput() throws Exception {
        ExternalTools.require(ExternalTools.JUPYTER, "apt-get install jupyter-console");
        ExternalTools.requirePythonModule("jupyter_console", "apt-get install jupyter-console");
        JupyterSandbox sandbox = JupyterSandbox.install(dir);
        String cells = """
                int answer = 6 * 7;
                System.out.println("the answer is " + answer);
                answer
                """;
        JupyterSandbox.ToolRun run = sandbox.run(List.of(ExternalTools.JUPYTER.toString(), "console",
                "--kernel", sandbox.kernelName(), "--simple-prompt"), dir, Map.of(), cells, Duration.ofMinutes(3));
        System.out.println("jupyter console: " + run.wall().toMillis() + " ms");
        assertTrue(run.succeeded(), run.report());
        assertTrue(run.output().contains("the answer is 42"), "the cell's output is missing\n" + run.report());
        assertTrue(ANSWER.matcher(run.output()).find(), "the cell's value is missing\n" + run.report());
    }
}
