package dev.qprobe.kernel.eval;

import dev.qprobe.dsl.QProbe;
import dev.qprobe.kernel.cds.ClassArchive;
import dev.qprobe.kernel.cds.PackageIndex;
import dev.qprobe.kernel.engine.Display;
import dev.qprobe.kernel.engine.Notebook;
import dev.qprobe.kernel.engine.NotebookProgress;
import dev.qprobe.kernel.engine.OutputChannel;
import dev.qprobe.kernel.engine.OutputEvent;
import dev.qprobe.kernel.eval.EvalResult.CellError.Kind;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;

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
    /** How long {@link #interrupt} keeps trying to stop a cell. */
    private static final long INTERRUPT_PATIENCE_NANOS = 10_000_000_000L;

    /** Starts each engine with the class path, imports, options and start-up snippets given. */
    private final EngineLauncher launcher;
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
    /** Formats failures, naming the cell and line of each snippet of the current engine. */
    private final CellErrors errors = new CellErrors();
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
     * @param startup statements every engine runs after its imports (in one block, so they declare
     *                nothing that cells see), e.g. to install a listener; one
     *                that does not compile or throws makes the start fail
     * @param warmUp  expressions that the engine evaluates and renders once it started, so that the
     *                first cell does not pay for loading the classes they use; their values are dropped
     */
    public JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions, List<String> startup,
            List<String> warmUp) {
        this(classPath, imports, vmOptions, startup, warmUp, JShellEvaluator::onOwnThread, List::of,
                PackageIndex.empty());
    }

    /**
     * @param starter        runs each engine start; tests hold it back to see what waits for it
     * @param archiveOptions asked at each engine start for the options that map a class archive
     *                       ({@link ClassArchive#jvmOptions}), so a restart uses one made meanwhile
     * @param packages       the class path's {@link PackageIndex}, for the compiler
     */
    JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions, List<String> startup,
            List<String> warmUp, Executor starter, Supplier<List<String>> archiveOptions, PackageIndex packages) {
        this.starter = starter;
        this.warmUp = List.copyOf(warmUp);
        try {
            this.stdinServer = new StdinServer(line -> err.note(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.launcher = new EngineLauncher(List.copyOf(classPath), List.copyOf(imports), List.copyOf(vmOptions),
                archiveOptions, packages, List.copyOf(startup), outputToken, out, err, stdinServer);
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
        return withDsl(JShellEvaluator::onOwnThread, List::of, PackageIndex.empty(), vmOptions);
    }

    /**
     * {@link #withDsl(String...)} whose engines map {@code archive} while it is {@link
     * ClassArchive#usable usable}, and compile with the package index beside it; the kernel's, whose
     * class path the archive was made for.
     */
    public static JShellEvaluator withDsl(ClassArchive archive, String... vmOptions) {
        return withDsl(JShellEvaluator::onOwnThread, archive::jvmOptions, archive.packageIndex(), vmOptions);
    }

    /** {@link #withDsl(String...)} with its engine started by {@code starter}: tests hold the start back. */
    public static JShellEvaluator withDsl(Executor starter, String... vmOptions) {
        return withDsl(starter, List::of, PackageIndex.empty(), vmOptions);
    }

    private static JShellEvaluator withDsl(Executor starter, Supplier<List<String>> archiveOptions,
            PackageIndex packages, String... vmOptions) {
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty()).toList();
        List<String> imports = new ArrayList<>(QProbe.IMPORTS);
        imports.addAll(Notebook.ENGINE_IMPORTS);
        return new JShellEvaluator(classPath, imports, List.of(vmOptions), Notebook.ENGINE_STARTUP,
                List.of("\"warm-up\"", "Table.create(\"warm-up\", IntColumn.create(\"x\", 1))", "Beta.standard()"),
                starter, archiveOptions, packages);
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
                started = launcher.launch(addedClassPath);
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
                    errors.newEngine();
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
                    shell.eval("dev.qprobe.kernel.engine.Display.publishValue(" + v.name() + ");")
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

    /**
     * The engine's rendering of the cell's value goes to {@link #valueOf}, progress reports to the
     * cell's {@link CellProgress}, every other output to {@code outputs}.
     */
    private void route(OutputEvent event, Consumer<OutputEvent> outputs, CellProgress progress) {
        if (event instanceof OutputEvent.Value value) {
            renderedValue = value;
        } else if (event instanceof OutputEvent.Progress report) {
            progress.report(report);
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
        CellProgress progress = new CellProgress(outputs, stdout, System::nanoTime);
        out.begin(stdout, event -> route(event, outputs, progress), budget);
        err.begin(stderr, null, budget);
        stdinServer.begin(number, stdin, () -> stopRequested);
        Outcome outcome;
        try {
            awaitEngine(true);
            outcome = run(cell, number);
        } catch (EngineUnavailable e) {
            outcome = Outcome.failed(CellErrors.engineUnavailable(e));
        } catch (InterruptedWhileStarting e) {
            outcome = Outcome.failed(CellErrors.interrupted());
        } finally {
            running = false;
            stdinServer.end();
            out.end();
            progress.finish();
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
                return Outcome.failed(CellErrors.interrupted());
            }
            Optional<SnippetEvent> event = evalSnippet(source);
            if (event.isEmpty()) {
                return Outcome.failed(CellErrors.engineEnded());
            }
            if (stopRequested) {
                return Outcome.failed(CellErrors.interrupted());
            }
            SnippetEvent e = event.get();
            errors.place(e.snippet().id(), number, CellErrors.lineOf(cell, offset));
            if (e.status() == Snippet.Status.REJECTED) {
                return Outcome.failed(errors.compileError(engine.shell(), e.snippet(), cell, offset));
            }
            if (e.exception() != null) {
                return Outcome.failed(errors.exception(engine.shell(), e.exception()));
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
        Optional<SnippetEvent> rendered = evalSnippet("dev.qprobe.kernel.engine.Display.publishValue(" + name + ");");
        if (rendered.isEmpty()) {
            return Outcome.failed(CellErrors.engineEnded());
        }
        if (stopRequested) {
            return Outcome.failed(CellErrors.interrupted());
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

    private void noteUnresolved(SnippetEvent e) {
        if ((e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)
                && e.snippet() instanceof DeclarationSnippet d) {
            err.note("note: " + d.name() + " cannot be used until "
                    + engine.shell().unresolvedDependencies(d).collect(Collectors.joining(", ")) + " is defined");
        }
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
        try {
            return CodeAnalysis.isComplete(awaitEngine(false).shell().sourceCodeAnalysis(), code);
        } catch (EngineUnavailable e) {
            return IsComplete.COMPLETE;
        }
    }

    /**
     * Completions of the code before {@code cursor}; type-matching suggestions first, no
     * duplicates. Waits for the engine to start; none without one.
     */
    public synchronized Completion complete(String code, int cursor) {
        try {
            return CodeAnalysis.complete(awaitEngine(false).shell().sourceCodeAnalysis(), code, cursor);
        } catch (EngineUnavailable e) {
            return new Completion(List.of(), cursor, cursor);
        }
    }

    /**
     * The signature and the javadoc summary of what is at {@code cursor}, see
     * {@link CodeAnalysis#inspect}. Waits for the engine to start; empty without one.
     */
    public synchronized Optional<String> inspect(String code, int cursor) {
        try {
            return CodeAnalysis.inspect(awaitEngine(false).shell().sourceCodeAnalysis(), code, cursor);
        } catch (EngineUnavailable e) {
            return Optional.empty();
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
