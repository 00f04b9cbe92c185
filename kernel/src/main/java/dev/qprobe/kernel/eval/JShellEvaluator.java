package dev.qprobe.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.dsl.QProbe;
import dev.qprobe.kernel.EvalResult.CellError;
import dev.qprobe.kernel.EvalResult.CellError.Kind;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.JdiExecutionControlProvider;

/**
 * Evaluates notebook cells in JShell: the protocol-independent core of the Jupyter kernel.
 *
 * <p>Cells run in JShell's default execution engine, a separate JVM driven over JDI, not in the
 * kernel's own JVM. That costs a second JVM and values arrive as text, but a cell that calls
 * {@code System.exit}, runs out of memory or wedges a thread cannot take the kernel with it:
 * when the engine's JVM ends, the cell is reported as failed and a fresh engine (with the
 * start-up imports, without the old variables) takes its place. Values are rendered by
 * {@link Display} inside the engine, see {@link EvalResult#display()}. Outputs a cell publishes
 * while it runs ({@link Notebook#display}, progress) come over the engine's standard output,
 * see {@link OutputChannel}, and go to the listener given to {@link #eval(String, Consumer,
 * Consumer, Consumer)}.
 *
 * <p>A cell is split into snippets (statements, declarations, expressions) which run in order;
 * the first error stops the cell. Compiler errors and stack traces carry line numbers of the
 * cell, not of JShell's snippets.
 *
 * <p>The engine starts in the background: constructing an evaluator returns at once, and the
 * first call that needs the engine ({@link #eval}, {@link #complete}, ...) waits for what is left
 * of its start-up. If it cannot start, that call reports why and the next one tries again.
 *
 * <p>A cell's {@code System.in} reads lines from the cell's {@link InputSource}, through a
 * {@link StdinServer}: JShell's own input forwarding asks for input ahead of the reads, which
 * would prompt the user for lines no code wants.
 *
 * <p>{@link #eval} runs one cell at a time; {@link #interrupt} may be called from any thread.
 */
public final class JShellEvaluator implements AutoCloseable {
    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float",
            "double");
    private static final Logger LOG = Logger.getLogger(JShellEvaluator.class.getName());
    private static final int MAX_DOCUMENTED_OVERLOADS = 10;
    /** How long {@link #interrupt} keeps trying to stop a cell. */
    private static final long INTERRUPT_PATIENCE_NANOS = 10_000_000_000L;

    private final List<String> classPath;
    private final List<String> imports;
    private final List<String> vmOptions;
    /** Snippets run after the imports whenever an engine starts. */
    private final List<String> startup;
    private final List<String> warmUp;
    /** Added by {@link #addToClasspath}, for every engine from then on. */
    private final List<String> addedClassPath = new CopyOnWriteArrayList<>();
    /** Marks this evaluator's {@link OutputChannel} lines in the engine's standard output. */
    private final String outputToken = OutputChannel.newToken();
    private final OutputSink out = new OutputSink("stdout", outputToken);
    private final OutputSink err = new OutputSink("stderr", null);
    /** How much text a cell shows; see {@link #limitOutput}. */
    private volatile OutputLimit outputLimit = OutputLimit.defaults();
    /** Where the engines' {@code System.in} gets its lines from. */
    private final StdinServer stdinServer;
    private final Object startLock = new Object();

    private final Executor starter;
    /** The engine's start, under way or done; null after a failed start was reported, until the next try. */
    private CompletableFuture<Engine> starting;
    private volatile boolean closed;
    /** Where each snippet of the current engine came from, by snippet id: cell number and first line. */
    private final Map<String, int[]> places = new HashMap<>();
    /** The running cell's value as the engine rendered it ({@link Display#publishValue}), once it arrived. */
    private volatile OutputEvent.Value renderedValue;
    /** The engine in use, set once it started; null while a new one starts. */
    private volatile Engine engine;
    private volatile boolean stopRequested;
    /** Guards {@link #activeCells}, and {@link #stopRequested} against a stale interrupt. */
    private final Object interruptLock = new Object();
    /** Calls of {@link #eval} under way, running or waiting for their turn. */
    private int activeCells;
    private volatile boolean running;
    /** Cells run so far, the one running included. */
    private volatile int cells;

    /** One JShell and whether its JVM has ended (JShell closes itself then). */
    private record Engine(JShell shell, AtomicBoolean ended) {
    }

    /**
     * Starts an engine in the background, warmed up by rendering a string.
     *
     * @param classPath the engine's class path, for compiling and running cells
     * @param imports   packages or types imported before the first cell, e.g. {@code java.util.*}
     * @param vmOptions extra options of the engine's JVM, e.g. {@code -Xmx1g}
     */
    public JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions) {
        this(classPath, imports, vmOptions, List.of(), List.of("\"warm-up\""));
    }

    /**
     * Starts an engine in the background.
     *
     * @param startup snippets every engine runs after its imports, e.g. to install a listener; one
     *                that does not compile or throws makes the start fail
     * @param warmUp  expressions that the engine evaluates and renders once it started, so that the
     *                first cell does not pay for loading the classes they use; their values are dropped
     */
    public JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions, List<String> startup,
            List<String> warmUp) {
        this(classPath, imports, vmOptions, startup, warmUp, JShellEvaluator::onOwnThread);
    }

    /** @param starter runs each engine start; tests hold it back to see what waits for it */
    JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions, List<String> startup,
            List<String> warmUp, Executor starter) {
        this.starter = starter;
        this.classPath = List.copyOf(classPath);
        this.imports = List.copyOf(imports);
        this.vmOptions = List.copyOf(vmOptions);
        this.startup = List.copyOf(startup);
        this.warmUp = List.copyOf(warmUp);
        try {
            this.stdinServer = new StdinServer(line -> err.note(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (startLock) {
            startInBackground();
        }
    }

    /**
     * An evaluator for notebooks: the engine gets this JVM's class path (so the DSL, the
     * kernel and their libraries), the DSL's imports, {@link QProbe#IMPORTS}, and the
     * {@link Notebook} methods; the DSL's progress shows as notebook outputs ({@link NotebookProgress}).
     * It warms up on a Tablesaw table and a DSL value, which notebooks show first.
     */
    public static JShellEvaluator withDsl(String... vmOptions) {
        return withDsl(JShellEvaluator::onOwnThread, vmOptions);
    }

    /** {@link #withDsl(String...)} with its engine started by {@code starter}: tests hold the start back. */
    static JShellEvaluator withDsl(Executor starter, String... vmOptions) {
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty()).toList();
        List<String> imports = new ArrayList<>(QProbe.IMPORTS);
        imports.addAll(Notebook.ENGINE_IMPORTS);
        return new JShellEvaluator(classPath, imports, List.of(vmOptions), Notebook.ENGINE_STARTUP,
                List.of("\"warm-up\"", "Table.create(\"warm-up\", IntColumn.create(\"x\", 1))", "Beta.standard()"),
                starter);
    }

    private static void onOwnThread(Runnable task) {
        Thread thread = new Thread(task, "qprobe-engine-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts an engine with {@link #starter}, in the background; the caller holds {@link #startLock}. */
    private void startInBackground() {
        CompletableFuture<Engine> start = new CompletableFuture<>();
        starting = start;
        if (closed) {
            start.completeExceptionally(new IllegalStateException("the evaluator is closed"));
            return;
        }
        int cellsBefore = cells;
        starter.execute(() -> {
            Engine started;
            try {
                started = start();
            } catch (Throwable e) {
                start.completeExceptionally(e);
                return;
            }
            if (closed) {
                started.shell().close();
            }
            start.complete(started);
            warmUp(started, cellsBefore);
        });
    }

    /** Thrown when the engine could not be started; the message says why in a line or two. */
    private static final class EngineUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineUnavailable(Throwable cause) {
            super(why(cause), cause);
        }

        /**
         * JShell reports a JVM that would not start with its own prefix, and sometimes with its whole
         * command line and stack traces; the lines that say why are the first (the JVM's own complaint,
         * when short) and the "Exception:" and "Error:" lines.
         */
        private static String why(Throwable cause) {
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            if (message.lines().count() <= 1) {
                return message;
            }
            LOG.warning("the engine did not start: " + message);
            String first = message.lines().findFirst().orElse("").strip()
                    .replaceFirst("^Launching JShell execution engine threw: ", "");
            List<String> reasons = new ArrayList<>();
            if (!first.isEmpty() && first.length() <= 200) {
                reasons.add(first);
            }
            message.lines().skip(1).map(String::strip)
                    .filter(l -> l.startsWith("Exception:") || l.startsWith("Error:"))
                    .map(l -> l.startsWith("Exception:") ? l.substring("Exception:".length()).strip() : l)
                    .forEach(reasons::add);
            List<String> distinct = reasons.stream().distinct().limit(3).toList();
            return distinct.isEmpty() ? message.lines().findFirst().orElse(message) : String.join("; ", distinct);
        }
    }

    /** Thrown when a cell is interrupted while it waits for the engine to start. */
    private static final class InterruptedWhileStarting extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The engine, once started: waits for the start under way, or begins one if the last one
     * failed. If this start fails, throws {@link EngineUnavailable} saying why; the next call
     * tries again (so a user who fixed the cause needs no restart).
     *
     * @param interruptible whether {@link #interrupt} ends the wait, with {@link InterruptedWhileStarting}
     */
    private Engine awaitEngine(boolean interruptible) {
        CompletableFuture<Engine> start;
        synchronized (startLock) {
            if (starting == null) {
                startInBackground();
            }
            start = starting;
        }
        while (true) {
            try {
                Engine started = start.get(50, TimeUnit.MILLISECONDS);
                if (started != engine) {
                    places.clear(); // snippet ids start again in a new engine
                    engine = started;
                }
                return started;
            } catch (TimeoutException e) {
                if (interruptible && stopRequested) {
                    throw new InterruptedWhileStarting();
                }
            } catch (ExecutionException e) {
                synchronized (startLock) {
                    if (starting == start) {
                        starting = null;
                    }
                }
                throw new EngineUnavailable(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineUnavailable(e);
            }
        }
    }

    /** Waits until the engine has started, or failed to (then the next call tries again); for start-up checks. */
    public boolean awaitStart() {
        try {
            awaitEngine(false);
            return true;
        } catch (EngineUnavailable e) {
            return false;
        }
    }

    /** Starts an engine's JVM and prepares it: imports, added class path, input, warm-up. */
    private Engine start() {
        String path = String.join(File.pathSeparator, classPath);
        List<String> remote = new ArrayList<>(List.of("--class-path", path, "--add-modules=jdk.incubator.vector",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                "-D" + OutputChannel.TOKEN_PROPERTY + "=" + outputToken));
        remote.addAll(vmOptions);
        JShell shell = JShell.builder()
                .in(InputStream.nullInputStream()) // System.in is EngineStdin's, see start()
                .out(new PrintStream(out, true, UTF_8))
                .err(new PrintStream(err, true, UTF_8))
                .remoteVMOptions(remote.toArray(String[]::new))
                // JShell's own engine, on a loopback socket, with our agent that does not stall on delayed ACKs.
                .executionEngine(new JdiExecutionControlProvider(),
                        Map.of("remoteAgent", EngineAgent.class.getName(), "hostname", "localhost"))
                .build();
        AtomicBoolean ended = new AtomicBoolean();
        shell.onShutdown(s -> ended.set(true));
        try {
            // Not the compiler option --class-path: that would hide what addToClasspath adds later.
            shell.addToClasspath(path);
            for (String i : imports) {
                startUpSnippet(shell, "import " + i + ";");
            }
            addedClassPath.forEach(shell::addToClasspath);
            for (String snippet : startup) {
                startUpSnippet(shell, snippet);
            }
            startUpSnippet(shell, EngineStdin.class.getName() + ".install(" + stdinServer.port() + ", "
                    + javaString(stdinServer.token()) + ");");
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

    /**
     * Takes first-time costs off the first cells, once the engine is in use: the source analysis'
     * own start-up, loading and rendering the warm-up values' classes in the engine, reading the
     * rendering here. In small steps, and none once a cell came along since the start began
     * (warming up would only make it wait), so a cell waits at most for the step under way.
     * Leaves nothing defined; a failing step is skipped.
     */
    private void warmUp(Engine started, int cellsBefore) {
        List<Snippet> made = new ArrayList<>();
        List<Consumer<JShell>> steps = new ArrayList<>();
        steps.add(shell -> shell.sourceCodeAnalysis().analyzeCompletion("Math.max(1, 2)"));
        for (String expression : warmUp) {
            steps.add(shell -> shell.eval(expression).forEach(e -> made.add(e.snippet())));
            steps.add(shell -> {
                if (!made.isEmpty() && made.get(made.size() - 1) instanceof VarSnippet v
                        && shell.status(v) == Snippet.Status.VALID) {
                    shell.eval("dev.qprobe.kernel.Display.publishValue(" + v.name() + ");")
                            .forEach(w -> made.add(w.snippet()));
                }
            });
            steps.add(shell -> {
                made.forEach(shell::drop);
                made.clear();
            });
        }
        for (Consumer<JShell> step : steps) {
            synchronized (this) {
                if (closed || cells != cellsBefore || cellWaiting() || started.ended().get()) {
                    break;
                }
                try {
                    step.accept(started.shell());
                } catch (IllegalStateException engineGone) {
                    break;
                }
            }
        }
        synchronized (this) {
            try {
                made.forEach(started.shell()::drop); // what a step cut short left
            } catch (IllegalStateException engineGone) {
                // nothing to drop in an engine that ended
            }
        }
    }

    private boolean cellWaiting() {
        synchronized (interruptLock) {
            return activeCells > 0;
        }
    }

    /**
     * Replaces the engine by a fresh one, which starts in the background: every variable, method
     * and class defined by cells is gone; the class path added by {@link #addToClasspath} stays.
     */
    public synchronized void restart() {
        CompletableFuture<Engine> previous;
        synchronized (startLock) {
            previous = starting;
            startInBackground();
        }
        engine = null;
        if (previous != null) {
            previous.thenAccept(old -> old.shell().close()); // now, or once a start under way is done
        }
    }

    /**
     * Adds jars or class directories to the class path of the compiler and the engine; engines
     * started later get them too. Waits for the engine to start.
     *
     * @throws IllegalArgumentException if a path does not exist
     * @throws IllegalStateException if the engine cannot be started
     */
    public synchronized void addToClasspath(List<Path> paths) {
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException(p + " does not exist");
            }
        }
        Engine current;
        try {
            current = awaitEngine(false);
        } catch (EngineUnavailable e) {
            throw new IllegalStateException("the Java engine could not be started: " + e.getMessage(), e);
        }
        for (Path p : paths) {
            String absolute = p.toAbsolutePath().normalize().toString();
            if (!addedClassPath.contains(absolute)) {
                current.shell().addToClasspath(absolute);
                addedClassPath.add(absolute);
            }
        }
    }

    /**
     * Sets how much text each cell shows from now on, and where the whole output of a cell that
     * prints more goes (see {@link OutputLimit}).
     */
    public void limitOutput(OutputLimit limit) {
        outputLimit = java.util.Objects.requireNonNull(limit);
    }

    /** The limit on each cell's text, see {@link #limitOutput}. */
    public OutputLimit outputLimit() {
        return outputLimit;
    }

    /** What {@link #addToClasspath} added so far, as absolute paths. */
    public List<String> addedClassPath() {
        return List.copyOf(addedClassPath);
    }

    /** {@link #eval(String, Consumer, Consumer)} without streaming the output. */
    public EvalResult eval(String cell) {
        return eval(cell, null, null);
    }

    /** Runs a cell that has no input (reading {@code System.in} finds its end), dropping what it publishes. */
    public EvalResult eval(String cell, Consumer<String> stdout, Consumer<String> stderr) {
        return eval(cell, stdout, stderr, null, NO_INPUT);
    }

    /** {@link #eval(String, Consumer, Consumer, Consumer, InputSource)} for a cell that has no input. */
    public EvalResult eval(String cell, Consumer<String> stdout, Consumer<String> stderr,
            Consumer<OutputEvent> outputs) {
        return eval(cell, stdout, stderr, outputs, NO_INPUT);
    }

    private static final InputSource NO_INPUT = InputSource.none(
            "note: System.in has no input here, so the cell read its end");

    /**
     * Runs a cell.
     *
     * @param stdout  if not null, gets the cell's standard output as it is written, in chunks
     * @param stderr  likewise for standard error
     * @param outputs if not null, gets what the cell publishes while it runs ({@link Notebook}),
     *                in order with the chunks of {@code stdout}; without it these are dropped
     * @param stdin   where the cell's {@code System.in} reads come from
     */
    public EvalResult eval(String cell, Consumer<String> stdout, Consumer<String> stderr,
            Consumer<OutputEvent> outputs, InputSource stdin) {
        synchronized (interruptLock) {
            activeCells++;
        }
        try {
            return evalInTurn(cell, stdout, stderr, outputs, stdin);
        } finally {
            synchronized (interruptLock) {
                if (--activeCells == 0) {
                    stopRequested = false; // an interrupt is for the cell it came during, not the next one
                }
            }
        }
    }

    /** The engine's rendering of the cell's value goes to {@link #valueOf}; every other output to {@code outputs}. */
    private void route(OutputEvent event, Consumer<OutputEvent> outputs) {
        if (event instanceof OutputEvent.Value value) {
            renderedValue = value;
        } else if (outputs != null) {
            outputs.accept(event);
        }
    }

    /** Runs a cell once no other cell and no warm-up step uses the engine. */
    private synchronized EvalResult evalInTurn(String cell, Consumer<String> stdout, Consumer<String> stderr,
            Consumer<OutputEvent> outputs, InputSource stdin) {
        int number = ++cells;
        running = true;
        CellOutputBudget budget = new CellOutputBudget(outputLimit, number);
        out.begin(stdout, event -> route(event, outputs), budget);
        err.begin(stderr, null, budget);
        stdinServer.begin(number, stdin, () -> stopRequested);
        Outcome outcome;
        try {
            awaitEngine(true);
            outcome = run(cell, number);
        } catch (EngineUnavailable e) {
            outcome = Outcome.failed(engineUnavailable(e));
        } catch (InterruptedWhileStarting e) {
            outcome = Outcome.failed(interrupted());
        } finally {
            running = false;
            stdinServer.end();
            out.end();
            if (budget.exceeded()) {
                err.note(budget.notice());
            }
            err.end();
        }
        return new EvalResult(out.text(), err.text(), outcome.value, outcome.display, outcome.error);
    }

    private record Outcome(Optional<String> value, Map<String, Object> display, Optional<CellError> error) {
        static Outcome failed(CellError error) {
            return new Outcome(Optional.empty(), Map.of(), Optional.of(error));
        }
    }

    private Outcome run(String cell, int number) {
        SourceCodeAnalysis analysis = engine.shell().sourceCodeAnalysis();
        String rest = cell;
        int offset = 0;
        SnippetEvent last = null;
        while (true) {
            // JShell numbers stack-trace lines wrongly after leading blank lines, so snippets start at code.
            int skip = 0;
            while (skip < rest.length() && Character.isWhitespace(rest.charAt(skip))) {
                skip++;
            }
            rest = rest.substring(skip);
            offset += skip;
            if (rest.isEmpty()) {
                break;
            }
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break; // only comments left
            }
            // Incomplete code runs as it is, so the compiler says what is missing.
            String source = info.source() != null ? info.source() : rest;
            String remaining = info.source() != null ? info.remaining() : "";
            if (stopRequested) {
                return Outcome.failed(interrupted());
            }
            Optional<SnippetEvent> event = evalSnippet(source);
            if (event.isEmpty()) {
                return Outcome.failed(engineEnded());
            }
            if (stopRequested) {
                return Outcome.failed(interrupted());
            }
            SnippetEvent e = event.get();
            places.put(e.snippet().id(), new int[] {number, lineOf(cell, offset)});
            if (e.status() == Snippet.Status.REJECTED) {
                return Outcome.failed(compileError(e.snippet(), cell, offset));
            }
            if (e.exception() != null) {
                return Outcome.failed(exception(e.exception()));
            }
            noteUnresolved(e);
            last = e;
            offset += rest.length() - remaining.length();
            rest = remaining;
        }
        return last == null ? new Outcome(Optional.empty(), Map.of(), Optional.empty()) : valueOf(last);
    }

    /** The main event of evaluating {@code source}, or empty if the engine's JVM ended (then a new one is started). */
    private Optional<SnippetEvent> evalSnippet(String source) {
        Engine current = engine;
        List<SnippetEvent> events;
        try {
            events = current.shell().eval(source);
        } catch (IllegalStateException closed) {
            events = List.of();
        }
        if (current.ended().get() || events.isEmpty()) {
            current.shell().close();
            engine = null;
            synchronized (startLock) {
                startInBackground();
            }
            return Optional.empty();
        }
        // Other events report snippets that this one updated, such as callers of a redefined method.
        return Optional.of(events.stream().filter(e -> e.causeSnippet() == null).findFirst().orElse(events.get(0)));
    }

    /** The value of the cell's last snippet, rendered in the engine unless it is a primitive. */
    private Outcome valueOf(SnippetEvent last) {
        String name;
        String type;
        if (last.snippet() instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            name = v.name();
            type = v.typeName();
        } else if (last.snippet() instanceof ExpressionSnippet x) {
            name = x.name();
            type = x.typeName();
        } else {
            return new Outcome(Optional.empty(), Map.of(), Optional.empty());
        }
        String text = last.value();
        Map<String, Object> plain = Map.of("text/plain", String.valueOf(text));
        if (PRIMITIVES.contains(type)) {
            return new Outcome(Optional.ofNullable(text), plain, Optional.empty());
        }
        renderedValue = null;
        Optional<SnippetEvent> rendered = evalSnippet("dev.qprobe.kernel.Display.publishValue(" + name + ");");
        if (rendered.isEmpty()) {
            return Outcome.failed(engineEnded());
        }
        if (stopRequested) {
            return Outcome.failed(interrupted());
        }
        SnippetEvent r = rendered.get();
        OutputEvent.Value value = renderedValue;
        if (r.status() != Snippet.Status.VALID || r.exception() != null || value == null) {
            // toString() threw, or the value's type is not accessible: show JShell's own text.
            err.note("(rich display failed: " + (r.exception() != null ? r.exception().getMessage()
                    : value == null && r.status() == Snippet.Status.VALID ? "no rendering arrived" : r.status()) + ")");
            return new Outcome(Optional.ofNullable(text), plain, Optional.empty());
        }
        return new Outcome(Optional.ofNullable(text), value.data(), Optional.empty());
    }

    private static String javaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void noteUnresolved(SnippetEvent e) {
        if ((e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)
                && e.snippet() instanceof DeclarationSnippet d) {
            err.note("note: " + d.name() + " cannot be used until "
                    + engine.shell().unresolvedDependencies(d).collect(Collectors.joining(", ")) + " is defined");
        }
    }

    private static CellError interrupted() {
        return new CellError(Kind.INTERRUPTED, "Interrupted", "the cell was interrupted", List.of());
    }

    private static CellError engineEnded() {
        String message = "the cell ended the Java engine (System.exit?); a fresh one is starting, so every variable,"
                + " method and class from earlier cells is gone";
        return new CellError(Kind.ENGINE_RESTARTED, "EngineRestarted", message, List.of(message));
    }

    private static CellError engineUnavailable(EngineUnavailable e) {
        String message = "the Java engine could not be started: " + e.getMessage()
                + " (the next cell tries again)";
        return new CellError(Kind.ENGINE_UNAVAILABLE, "EngineUnavailable", message, List.of(message));
    }

    /** The compiler's errors, at their lines and columns in the cell. */
    private CellError compileError(Snippet snippet, String cell, int offset) {
        List<String> trace = new ArrayList<>();
        String first = null;
        for (Diag d : engine.shell().diagnostics(snippet).filter(Diag::isError).toList()) {
            long position = d.getPosition() != Diag.NOPOS ? d.getPosition() : d.getStartPosition();
            int at = (int) Math.min(cell.length(), offset + Math.max(0, position));
            int lineStart = cell.lastIndexOf('\n', at - 1) + 1;
            int lineEnd = cell.indexOf('\n', at);
            String message = d.getMessage(Locale.ROOT);
            String where = "line " + lineOf(cell, at) + ", column " + (at - lineStart + 1) + ": ";
            if (first == null) {
                first = where + message.lines().findFirst().orElse("");
            }
            trace.add(where + message);
            trace.add("    " + cell.substring(lineStart, lineEnd < 0 ? cell.length() : lineEnd));
            trace.add("    " + " ".repeat(at - lineStart) + "^");
        }
        if (first == null) {
            first = "the snippet at line " + lineOf(cell, offset) + " was rejected";
            trace.add(first);
        }
        return new CellError(Kind.COMPILE, "CompilationError", first, trace);
    }

    /** The exception with its stack trace, user frames named by cell and line; JShell's own frames are already cut. */
    private CellError exception(JShellException e) {
        if (e instanceof UnresolvedReferenceException u) {
            String message = u.getSnippet().name() + " cannot be used until "
                    + engine.shell().unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", "))
                    + " is defined";
            return new CellError(Kind.EXCEPTION, "UnresolvedReference", message, List.of(message));
        }
        String name = e instanceof EvalException ev ? ev.getExceptionClassName() : e.getClass().getName();
        String message = e.getMessage() == null ? "" : e.getMessage();
        List<String> trace = new ArrayList<>();
        trace.add(message.isEmpty() ? name : name + ": " + message);
        frames(e, trace);
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            String causeName = cause instanceof EvalException ev ? ev.getExceptionClassName() : cause.getClass().getName();
            trace.add("Caused by: " + causeName + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
            frames(cause, trace);
        }
        return new CellError(Kind.EXCEPTION, name, message, trace);
    }

    private void frames(Throwable t, List<String> trace) {
        StackTraceElement[] frames = t.getStackTrace();
        int end = frames.length;
        while (end > 0 && !isUserFrame(frames[end - 1])) {
            end--;
        }
        if (end == 0) {
            end = frames.length; // no user code at all: the whole trace says more than nothing
        }
        for (int i = 0; i < end; i++) {
            trace.add("    at " + frame(frames[i]));
        }
    }

    private static boolean isUserFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#");
    }

    private String frame(StackTraceElement f) {
        if (!isUserFrame(f)) {
            return f.toString();
        }
        String method = f.getMethodName().isEmpty() ? "<cell>" : f.getMethodName();
        String where = f.getClassName().isEmpty() ? method : f.getClassName() + "." + method;
        int[] place = places.get(f.getFileName().substring(1));
        if (place == null) {
            return where + " (snippet " + f.getFileName() + ")";
        }
        return where + " (cell " + place[0] + ", line " + (place[1] + Math.max(1, f.getLineNumber()) - 1) + ")";
    }

    private static int lineOf(String text, int position) {
        int line = 1;
        for (int i = 0; i < position && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * Stops the cell that is running: the running snippet is killed and the rest of the cell
     * skipped; the cell reports {@link Kind#INTERRUPTED}. A cell still waiting for its turn (for
     * the engine's start, say) does not run at all. Returns once the cell has stopped, or after
     * ten seconds of trying. Does nothing between cells.
     */
    public void interrupt() {
        int cell;
        synchronized (interruptLock) {
            if (activeCells == 0) {
                return;
            }
            stopRequested = true;
            cell = cells;
        }
        long deadline = System.nanoTime() + INTERRUPT_PATIENCE_NANOS;
        // JShell.stop() only stops code that runs, not a snippet being compiled: repeat until the cell
        // ends, and never stop the cell after it.
        while (running && cells == cell && System.nanoTime() < deadline) {
            Engine current = engine;
            if (current != null) {
                try {
                    current.shell().stop();
                } catch (RuntimeException ended) {
                    // the engine ended meanwhile (JShell closed, JDI disconnected); the cell reports that
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether {@code code} is ready to run or needs more lines, for console front ends. Waits for
     * the engine to start; without one, code counts as complete, so that running it says why.
     */
    public synchronized IsComplete isComplete(String code) {
        SourceCodeAnalysis analysis;
        try {
            analysis = awaitEngine(false).shell().sourceCodeAnalysis();
        } catch (EngineUnavailable e) {
            return IsComplete.COMPLETE;
        }
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case EMPTY -> {
                    return IsComplete.COMPLETE;
                }
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return IsComplete.INCOMPLETE;
                }
                default -> {
                    return IsComplete.INVALID;
                }
            }
        }
        return IsComplete.COMPLETE;
    }

    /**
     * Completions of the code before {@code cursor}; type-matching suggestions first, no
     * duplicates. Waits for the engine to start; none without one.
     */
    public synchronized Completion complete(String code, int cursor) {
        try {
            awaitEngine(false);
        } catch (EngineUnavailable e) {
            return new Completion(List.of(), cursor, cursor);
        }
        int start = snippetStart(code, cursor);
        int[] anchor = new int[1];
        List<Suggestion> suggestions = engine.shell().sourceCodeAnalysis()
                .completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        return new Completion(List.copyOf(matches), start + anchor[0], cursor);
    }

    /**
     * The signature and the javadoc summary of what is at {@code cursor}: a method (all its
     * overloads, up to ten), a type or a variable; empty if nothing is known there. Javadoc needs
     * the JDK's {@code lib/src.zip} for JDK classes; without it only signatures come back. Waits
     * for the engine to start; empty without one.
     */
    public synchronized Optional<String> inspect(String code, int cursor) {
        try {
            awaitEngine(false);
        } catch (EngineUnavailable e) {
            return Optional.empty();
        }
        int start = snippetStart(code, cursor);
        String snippet = code.substring(start);
        int at = cursor - start;
        int end = at;
        while (end < snippet.length() && Character.isJavaIdentifierPart(snippet.charAt(end))) {
            end++;
        }
        SourceCodeAnalysis analysis = engine.shell().sourceCodeAnalysis();
        // JShell documents a method inside its parentheses, a type or variable right after its name.
        List<Documentation> docs = analysis.documentation(snippet.substring(0, end) + "(", end + 1, true);
        if (docs.isEmpty()) {
            docs = analysis.documentation(snippet.substring(0, end), end, true);
        }
        if (docs.isEmpty()) {
            docs = analysis.documentation(snippet, at, true);
        }
        String text = docs.stream().limit(MAX_DOCUMENTED_OVERLOADS)
                .map(d -> d.javadoc() == null ? d.signature() : d.signature() + "\n" + summary(d.javadoc()))
                .distinct().collect(Collectors.joining("\n\n"));
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** The javadoc's description, without its block tags. */
    private static String summary(String javadoc) {
        int tags = javadoc.indexOf("\n@");
        String description = (javadoc.startsWith("@") ? "" : tags < 0 ? javadoc : javadoc.substring(0, tags)).strip();
        int paragraph = description.indexOf("\n\n");
        return paragraph < 0 ? description : description.substring(0, paragraph);
    }

    /** Where the snippet holding {@code cursor} starts in {@code code}. */
    private int snippetStart(String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            throw new IndexOutOfBoundsException("cursor " + cursor + " outside code of length " + code.length());
        }
        SourceCodeAnalysis analysis = engine.shell().sourceCodeAnalysis();
        int start = 0;
        String rest = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.source() == null || info.remaining().isEmpty()) {
                return start;
            }
            int consumed = rest.length() - info.remaining().length();
            if (start + consumed >= cursor) {
                return start;
            }
            start += consumed;
            rest = info.remaining();
        }
    }

    /** Ends the engine's JVM, or its start if it is still starting. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<Engine> start;
        synchronized (startLock) {
            start = starting;
        }
        if (start != null) {
            start.thenAccept(e -> e.shell().close()); // now, or once it started
        }
        Engine current = engine;
        if (current != null) {
            current.shell().close();
        }
        stdinServer.close();
    }
}
