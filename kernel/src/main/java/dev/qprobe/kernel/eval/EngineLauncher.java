package dev.qprobe.kernel.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.kernel.cds.IndexedFileManager;
import dev.qprobe.kernel.cds.PackageIndex;
import dev.qprobe.kernel.engine.EngineAgent;
import dev.qprobe.kernel.engine.EngineStdin;
import dev.qprobe.kernel.engine.OutputChannel;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.execution.JdiExecutionControlProvider;

/**
 * Starts engines: a JShell whose code runs in a JVM of its own (driven over JDI by our
 * {@link EngineAgent}), with the class path, imports and start-up snippets every engine gets,
 * its output going to the evaluator's sinks and its {@code System.in} to the evaluator's
 * {@link StdinServer}.
 *
 * @param classPath   the engine's class path, for compiling and running cells
 * @param imports     imported before anything else
 * @param vmOptions   extra options of the engine's JVM
 * @param archiveOptions asked at each launch for the options that map the class archive, if any
 * @param packages    which jars hold which packages, so that the compiler opens only those it needs
 * @param startup     statements run after the imports, each ending in {@code ;}
 * @param outputToken the {@link OutputChannel} token, handed to the engine's JVM
 * @param out         gets the engine's standard output
 * @param err         gets its standard error
 * @param stdin       serves its {@code System.in}
 */
record EngineLauncher(List<String> classPath, List<String> imports, List<String> vmOptions,
                      Supplier<List<String>> archiveOptions, PackageIndex packages, List<String> startup,
                      String outputToken, OutputStream out, OutputStream err, StdinServer stdin) {

    /**
     * Starts an engine's JVM and prepares it: imports, {@code added} class path, start-up snippets,
     * input. Throws if the JVM does not start or a start-up snippet fails.
     */
    Engine launch(List<String> added) {
        String path = String.join(File.pathSeparator, classPath);
        List<String> remote = new ArrayList<>(List.of("--class-path", path, "--add-modules=jdk.incubator.vector",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                "-D" + OutputChannel.TOKEN_PROPERTY + "=" + outputToken));
        remote.addAll(archiveOptions.get());
        remote.addAll(vmOptions);
        BackgroundLaunch engine = new BackgroundLaunch(new JdiExecutionControlProvider());
        JShell.Builder builder = JShell.builder();
        if (!packages.isEmpty()) {
            builder.fileManager(standard -> new IndexedFileManager(standard, packages));
        }
        JShell shell = builder
                .in(InputStream.nullInputStream()) // System.in is EngineStdin's, installed below
                .out(new PrintStream(out, true, UTF_8))
                .err(new PrintStream(err, true, UTF_8))
                .remoteVMOptions(remote.toArray(String[]::new))
                // JShell's own engine, on a loopback socket, with our agent that does not stall on delayed ACKs.
                .executionEngine(engine,
                        Map.of("remoteAgent", EngineAgent.class.getName(), "hostname", "localhost"))
                .build();
        AtomicBoolean ended = new AtomicBoolean();
        shell.onShutdown(s -> ended.set(true));
        try {
            // Not the compiler option --class-path: that would hide what addToClasspath adds later.
            shell.addToClasspath(path);
            for (String i : imports) {
                startUpSnippet(shell, "import " + i + ";"); // compiled here while the engine's JVM boots
            }
            engine.awaitLaunch();
            added.forEach(shell::addToClasspath);
            // One block, so one compile and one call into the engine (each is ~0.1 s on the first cell's path).
            startUpSnippet(shell, "{ " + String.join(" ", startup) + " " + EngineStdin.class.getName() + ".install("
                    + stdin.port() + ", " + javaString(stdin.token()) + "); }");
        } catch (RuntimeException e) {
            shell.close();
            throw e;
        }
        return new Engine(shell, ended);
    }

    private static void startUpSnippet(JShell shell, String source) {
        for (SnippetEvent e : shell.eval(source)) {
            if (e.status() != Snippet.Status.VALID || e.exception() != null) {
                String why = e.exception() != null ? e.exception().toString()
                        : shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).toList().toString();
                throw new IllegalStateException("the engine rejected its start-up snippet " + source + ": " + why);
            }
        }
    }

    private static String javaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
