package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.eval.OutputLimit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code src/test/python/test_output_volume.py} against our kernel with jupyter_client:
 * 10,000 printed lines all arrive in order with the cell's idle status, 50 MB arrive up to the
 * {@link OutputLimit} with one notice naming the file that holds all of it, and the next cell runs.
 */
class OutputVolumeTest {
    @TempDir
    Path dir;

    @Test
    void bigOutputsArriveWholeOrCutWithANotice() throws Exception {
        ExternalTools.requirePythonModule("jupyter_client", "apt-get install python3-jupyter-client");
        JupyterSandbox sandbox = JupyterSandbox.install(dir);
        Path kernelLog = dir.resolve("kernel.log");
        JupyterSandbox.ToolRun run = sandbox.run(
                List.of(ExternalTools.PYTHON.toString(), "-m", "unittest", "-v", "test_output_volume"),
                Path.of("src/test/python"),
                Map.of("QPROBE_KERNEL_NAME", sandbox.kernelName(), "QPROBE_KERNEL_LOG", kernelLog.toString(),
                        "PYTHONDONTWRITEBYTECODE", "1"),
                null, Duration.ofMinutes(8));
        UnittestReport report = new UnittestReport(run.output());
        System.out.println("test_output_volume: " + run.wall().toMillis() + " ms, " + report.all());
        String kernel = Files.exists(kernelLog) ? Files.readString(kernelLog, StandardCharsets.UTF_8) : "(none)";
        assertTrue(run.succeeded(), run.report() + "\n---- the kernel's own output ----\n" + kernel);
        for (String test : List.of("test_ten_thousand_lines_arrive_in_order_with_idle",
                "test_fifty_megabytes_are_cut_at_the_limit_with_a_notice")) {
            assertTrue(report.passed(test), test + ": " + report.statuses(test) + "\n" + report.failures(test));
        }
    }
}
