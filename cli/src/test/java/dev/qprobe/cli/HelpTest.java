package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command explains itself, a typo gets a suggestion, and the launcher prints no noise. */
class HelpTest {

    @Test
    void everyCommandAndOptionIsDescribed() {
        List<String> missing = new ArrayList<>();
        check(new CommandLine(new Main()), missing);
        assertEquals(List.of(), missing, "options or commands without a description");
    }

    private static void check(CommandLine cmd, List<String> missing) {
        CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
        if (String.join("", spec.usageMessage().description()).isBlank()) {
            missing.add(spec.qualifiedName());
        }
        for (CommandLine.Model.ArgSpec arg : spec.args()) {
            if (String.join("", arg.description()).isBlank()) {
                missing.add(spec.qualifiedName() + " " + (arg instanceof CommandLine.Model.OptionSpec o ? o.longestName()
                        : arg.paramLabel()));
            }
        }
        cmd.getSubcommands().values().forEach(sub -> check(sub, missing));
    }

    @Test
    void helpTextsSayWhatAUserNeeds() {
        String top = out("--help");
        for (String expected : List.of("QPROBE_CACHE", "QPROBE_THREADS", "JAVA_OPTS", "demo", "train", "bench")) {
            assertTrue(top.contains(expected), "missing " + expected + " in\n" + top);
        }
        assertFalse(top.contains("..."), "nothing truncated:\n" + top);
        String train = out("train", "--help");
        for (String expected : List.of("--epochs", "passes over the training prompts", "--seed", "--out",
                "--probe 'mlp(16)'", "default: 0.01", "--pg-temperature")) {
            assertTrue(train.contains(expected), "missing " + expected + " in\n" + train);
        }
        assertTrue(out("bench", "probe", "--help").contains("memory bandwidth"));
        assertTrue(out("bench", "sampling", "--help").contains("KV cache"));
        assertFalse(top.contains("\u001b[") || train.contains("\u001b["), "no ANSI codes off a terminal");
    }

    @Test
    void aMistypedCommandOrOptionValueGetsASuggestion() {
        String err = err("demoo");
        assertTrue(err.contains("Did you mean") && err.contains("demo"), err);
        String probe = err("train", "--features", "f.npy", "--samples", "s.csv", "--probe", "mlpp(16)");
        assertTrue(probe.contains("did you mean mlp?"), probe);
    }

    /** The launcher itself, with this build's class path: no incubator warning, no colour codes. */
    @Test
    void theLauncherPrintsNoIncubatorWarning(@TempDir Path root) throws Exception {
        Path script = Path.of(System.getProperty("qprobe.root", ".."), "src/bin/qprobe");
        Files.createDirectories(root.resolve("src/bin"));
        Files.copy(script, root.resolve("src/bin/qprobe"));
        root.resolve("src/bin/qprobe").toFile().setExecutable(true);
        for (String module : List.of("dsl", "kernel", "cli")) {
            Files.createDirectories(root.resolve(module + "/src/main"));
            Files.writeString(root.resolve(module + "/pom.xml"), "");
        }
        Files.writeString(root.resolve("pom.xml"), "");
        Files.createDirectories(root.resolve("cli/target/classes"));
        Path classpath = root.resolve("cli/target/runtime-classpath.txt");
        Files.writeString(classpath, System.getProperty("java.class.path"));
        // Built after every source: the launcher must not try to build.
        Files.setLastModifiedTime(classpath, FileTime.from(Instant.now().plusSeconds(3600)));
        Process p = new ProcessBuilder("bash", root.resolve("src/bin/qprobe").toString(), "--version")
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(stdout.startsWith("qprobe "), stdout);
        assertFalse(stderr.contains("incubator"), stderr);
        assertFalse(stdout.contains("\u001b") || stderr.contains("\u001b"), stdout + stderr);
    }

    private static String out(String... args) {
        return CliRun.of(args).out();
    }

    private static String err(String... args) {
        return CliRun.of(args).err();
    }

}
