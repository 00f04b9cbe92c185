package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's standard kernel test suite, {@code jupyter_kernel_test}, against our kernel: runs
 * {@code src/test/python/test_qprobe_kernel.py} once and checks that every one of its tests that
 * applies to Java passed. Only {@code test_pager} may skip: Java has no pager statement.
 */
class JupyterKernelTestSuiteTest {
    @TempDir
    static Path dir;
    private static JupyterSandbox.ToolRun suite;
    private static UnittestReport report;

    @BeforeAll
    static void runTheSuite() throws Exception {
        ExternalTools.requirePythonModule("jupyter_kernel_test", "apt-get install python3-jupyter-kernel-test");
        JupyterSandbox sandbox = JupyterSandbox.install(dir);
        suite = sandbox.run(List.of(ExternalTools.PYTHON.toString(), "-m", "unittest", "-v", "test_qprobe_kernel"),
                Path.of("src/test/python"),
                // No __pycache__ in the source tree.
                Map.of("QPROBE_KERNEL_NAME", sandbox.kernelName(), "QPROBE_KERNEL_LOG", kernelLog().toString(),
                        "PYTHONDONTWRITEBYTECODE", "1"),
                null, Duration.ofMinutes(5));
        report = new UnittestReport(suite.output());
        System.out.println("jupyter_kernel_test: " + suite.wall().toMillis() + " ms, " + report.all());
    }

    private static Path kernelLog() {
        return dir.resolve("kernel.log");
    }

    private static String details() throws Exception {
        Path log = kernelLog();
        String kernel = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).stripTrailing() : "(none)";
        return suite.report() + "\n---- the kernel's own output ----\n" + kernel;
    }

    @Test
    void theSuiteSucceeds() throws Exception {
        assertTrue(suite.succeeded(), details());
    }

    /** Passed, with every sub-test: not failed, not skipped, not missing. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_completion",
            "test_is_complete", "test_error", "test_execute_result", "test_display_data", "test_history",
            "test_inspect", "test_clear_output"})
    void passes(String test) {
        String seen = report.statuses(test).isEmpty() ? "did not run" : report.statuses(test).toString();
        assertTrue(report.passed(test), test + ": " + seen + "\n" + report.failures(test)
                + "(the whole run is in theSuiteSucceeds' message)");
    }
}
