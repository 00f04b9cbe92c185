package dev.qprobe.cli;

import dev.qprobe.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qprobe} command: subcommands for the demo, bring-your-own-features training, a JShell and benchmarks. */
@Command(name = "qprobe", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        usageHelpWidth = 110,
        description = "Q-probing language models: sample k completions, embed them, train a probe, select.",
        footerHeading = "%nEnvironment:%n",
        footer = {"  QPROBE_CACHE    sample and feature cache directory (default: ~/.cache/qprobe)",
                "  QPROBE_THREADS  PyTorch threads for sampling with the built-in model (default: the cores the JVM may use)",
                "  JAVA_OPTS       JVM options for src/bin/qprobe, e.g. JAVA_OPTS=-Xmx16g for large feature sets",
                "%n'qprobe COMMAND --help' describes a command and each of its options."},
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EmbedCommand.class,
                ShellCommand.class, KernelCommand.class, BenchCommand.class,
                CacheCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Mixin
    ThreadsOption threads;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            // Bad input gets one clear line, not a stack trace.
            String message = e instanceof java.nio.file.NoSuchFileException missing
                    ? "no such file: " + missing.getFile() : e.getMessage();
            cmd.getErr().println(cmd.getColorScheme().errorText("qprobe: " + message));
            return e instanceof IllegalArgumentException || e instanceof java.io.IOException ? 2 : 1;
        }).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"qprobe " + Version.get() + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
