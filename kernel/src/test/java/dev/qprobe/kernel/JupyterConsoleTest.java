package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
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

    /**
     * The console ignores updates of an output, so a cell's progress output alone would stay at its
     * first "0%"; the lines the kernel prints every 10 s show it moving.
     */
    @Test
    void aConsoleSeesProgressMoveInALongCell() throws Exception {
        ExternalTools.require(ExternalTools.JUPYTER, "apt-get install jupyter-console");
        ExternalTools.requirePythonModule("jupyter_console", "apt-get install jupyter-console");
        JupyterSandbox sandbox = JupyterSandbox.install(dir);
        String cells = "var p = dev.qprobe.dsl.DefaultProgress.get(); for (int i = 0; i <= 120; i++) {"
                + " p.onProgress(\"waiting\", i, 120); Thread.sleep(100); }\n";
        JupyterSandbox.ToolRun run = sandbox.run(List.of(ExternalTools.JUPYTER.toString(), "console",
                "--kernel", sandbox.kernelName(), "--simple-prompt"), dir, Map.of(), cells, Duration.ofMinutes(3));
        assertTrue(run.succeeded(), run.report());
        assertTrue(run.output().contains("step 1: waiting: 0/120 (0%)"), "the progress output's text\n" + run.report());
        Matcher later = Pattern.compile("step 1: waiting: (\\d+)/120").matcher(run.output());
        int furthest = 0;
        while (later.find()) {
            furthest = Math.max(furthest, Integer.parseInt(later.group(1)));
        }
        assertTrue(furthest >= 60, "a line about 10 s in shows the count moving\n" + run.report());
    }
}
