package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook under the repository's {@code notebooks/} runs top to bottom on our kernel with
 * {@code jupyter nbconvert --to notebook --execute}, as a user's "Run all" would, and shows what
 * a Q-probe notebook must: no errors, an HTML table and a PNG chart.
 *
 * <p>The executed notebooks stay in {@code target/notebooks-executed/} (CI keeps them). The
 * notebooks share one sample cache, {@link JupyterSandbox#SAMPLE_CACHE}: a later notebook reuses
 * what an earlier one sampled, as on a user's machine.
 */
class NotebookExecutionTest {
    private static final Path NOTEBOOKS = Path.of("../notebooks");
    private static final Path FIXTURE = Path.of("src/test/resources/notebooks/fixture.ipynb");
    private static final Path EXECUTED = Path.of("target/notebooks-executed").toAbsolutePath();
    /** Per cell: sampling from the built-in model on a cold cache is the slowest step. */
    private static final Duration CELL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration NOTEBOOK_TIMEOUT = Duration.ofMinutes(10);
    /** {@code -Dqprobe.notebooks=01} runs only the notebooks whose file name starts so: a quick check of one. */
    private static final String ONLY = System.getProperty("qprobe.notebooks", "");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    static Path dir;
    private static JupyterSandbox sandbox;

    @BeforeAll
    static void install() throws Exception {
        ExternalTools.require(ExternalTools.JUPYTER, "apt-get install jupyter-nbconvert");
        ExternalTools.requirePythonModule("nbconvert", "apt-get install jupyter-nbconvert");
        sandbox = JupyterSandbox.install(dir);
        Files.createDirectories(EXECUTED);
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsAndShowsATableAndAChart() throws IOException {
        List<Path> notebooks = notebooks(NOTEBOOKS);
        if (notebooks.isEmpty()) {
            return Stream.of(dynamicTest("notebooks/ has notebooks", () -> fail(
                    "no .ipynb files" + (ONLY.isEmpty() ? "" : " starting with " + ONLY) + " in "
                            + NOTEBOOKS.toAbsolutePath().normalize() + ": nothing to run")));
        }
        return notebooks.stream().map(nb -> dynamicTest(nb.getFileName().toString(), () -> executeAndCheck(nb)));
    }

    /** The checks themselves, on a small notebook that needs no sampling. */
    @Test
    void theFixtureNotebookRunsAndShowsATableAndAChart() throws Exception {
        executeAndCheck(FIXTURE);
    }

    private static List<Path> notebooks(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ipynb"))
                    .filter(f -> f.getFileName().toString().startsWith(ONLY)).sorted().toList();
        }
    }

    private static void executeAndCheck(Path notebook) throws Exception {
        String name = notebook.getFileName().toString().replaceFirst("\\.ipynb$", "");
        Path executed = EXECUTED.resolve(name + ".ipynb");
        Files.deleteIfExists(executed);
        // --allow-errors: the whole notebook runs and is written, so the check below can show
        // every failing cell with its traceback (and CI keeps the notebook to look at).
        JupyterSandbox.ToolRun run = sandbox.run(List.of(ExternalTools.JUPYTER.toString(), "nbconvert",
                        "--to", "notebook", "--execute", "--allow-errors",
                        "--ExecutePreprocessor.kernel_name=" + sandbox.kernelName(),
                        "--ExecutePreprocessor.timeout=" + CELL_TIMEOUT.toSeconds(),
                        "--output-dir=" + EXECUTED, "--output=" + name, notebook.toAbsolutePath().toString()),
                Path.of("."), Map.of("QPROBE_CACHE", JupyterSandbox.SAMPLE_CACHE.toString()), null, NOTEBOOK_TIMEOUT);
        System.out.printf("notebook %s: executed in %.1f s%n", notebook.getFileName(), run.wall().toMillis() / 1000.0);
        assertTrue(run.succeeded() && Files.exists(executed), "nbconvert did not execute " + notebook + "\n"
                + run.report());

        ExecutedNotebook result = ExecutedNotebook.read(executed);
        String errors = result.errors();
        assertTrue(errors.isEmpty(), notebook + " has cells that failed (executed copy: " + executed + ")\n" + errors);
        assertEquals(List.of(), result.unexecuted().stream().map(ExecutedNotebook.CodeCell::index).toList(),
                notebook + ": cells that did not run\n" + result.outline());
        assertTrue(result.hasOutput("text/html", html -> html.contains("<table")),
                notebook + " shows no HTML table\n" + result.outline());
        assertTrue(result.hasOutput("image/png", NotebookExecutionTest::isPng),
                notebook + " shows no PNG chart\n" + result.outline());
        if (name.startsWith("01-")) {
            quickStartShowsTheCompactResultAndOneProgressOutput(result);
        }
    }

    /**
     * The quick start's run is its cell's value: it shows the compact summary, the verdicts and the
     * chart, not the long table; the cell's steps (sampling, embedding, training) share one progress output.
     */
    private static void quickStartShowsTheCompactResultAndOneProgressOutput(ExecutedNotebook notebook) {
        ExecutedNotebook.CodeCell run = notebook.codeCells().stream().filter(c -> c.source().contains(".select("))
                .findFirst().orElseThrow(() -> new AssertionError("the quick start has no select(...) cell"));
        String html = run.outputs().stream().filter(o -> "execute_result".equals(o.get("output_type").getAsString()))
                .map(o -> o.getAsJsonObject("data").get("text/html")).filter(h -> h != null)
                .map(ExecutedNotebook::text).findFirst().orElseThrow(() -> new AssertionError("the run's cell has no HTML value\n"
                        + notebook.outline()));
        for (String part : List.of("<th>method</th><th>k = 1</th>", "oracle (best of k)", "base (mean of pi0)",
                "argmax vs base", "<img src=\"data:image/png;base64,", ".table() of these results")) {
            assertTrue(html.contains(part), "the run's value lacks " + part + "\n" + html.substring(0,
                    Math.min(html.length(), 3000)));
        }
        assertTrue(!html.contains("selection_kl_bound"), "the run's value is the long table");
        long progressOutputs = run.outputs().stream().filter(o -> "display_data".equals(o.get("output_type")
                .getAsString()) && ExecutedNotebook.text(o.getAsJsonObject("data").get("text/html"))
                .contains("<progress")).count();
        assertEquals(1, progressOutputs, "one progress output for the run's steps\n" + notebook.outline());
    }

    /** Base64 of bytes that start with PNG's signature. */
    private static boolean isPng(String base64) {
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(base64);
            return bytes.length > PNG_SIGNATURE.length
                    && Arrays.equals(Arrays.copyOf(bytes, PNG_SIGNATURE.length), PNG_SIGNATURE);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
