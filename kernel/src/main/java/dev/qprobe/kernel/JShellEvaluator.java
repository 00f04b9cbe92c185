package dev.qprobe.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.dsl.QProbe;
import dev.qprobe.kernel.EvalResult.CellError;
import dev.qprobe.kernel.EvalResult.CellError.Kind;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
 * <p>{@link #eval} runs one cell at a time; {@link #interrupt} may be called from any thread.
 */
public final class JShellEvaluator implements AutoCloseable {
    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float",
            "double");
    private static final int MAX_DOCUMENTED_OVERLOADS = 10;
    /** How long {@link #interrupt} keeps trying to stop a cell. */
    private static final long INTERRUPT_PATIENCE_NANOS = 10_000_000_000L;

    private final List<String> classPath;
    private final List<String> imports;
    private final List<String> vmOptions;
    /** Snippets run after the imports whenever an engine starts. */
    private final List<String> startup;
    /** Marks this evaluator's {@link OutputChannel} lines in the engine's standard output. */
    private final String outputToken = OutputChannel.newToken();
    private final Sink out = new Sink(outputToken);
    private final Sink err = new Sink(null);
    /** Where each snippet of the current engine came from, by snippet id: cell number and first line. */
    private final Map<String, int[]> places = new HashMap<>();
    /** Where the engine writes a rendered value for this side to read (the engine runs on this machine). */
    private final Path displayFile;
    private volatile Engine engine;
    private volatile boolean stopRequested;
    private volatile boolean running;
    /** Cells run so far, the one running included. */
    private volatile int cells;

    /** One JShell and whether its JVM has ended (JShell closes itself then). */
    private record Engine(JShell shell, AtomicBoolean ended) {
    }

    /**
     * Starts an engine.
     *
     * @param classPath the engine's class path, for compiling and running cells
     * @param imports   packages or types imported before the first cell, e.g. {@code java.util.*}
     * @param vmOptions extra options of the engine's JVM, e.g. {@code -Xmx1g}
     * @throws IllegalStateException if the engine does not start or an import does not compile
     */
    public JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions) {
        this(classPath, imports, vmOptions, List.of());
    }

    /**
     * Starts an engine that runs {@code startup} after its imports, e.g. to install a listener.
     *
     * @throws IllegalStateException if the engine does not start, or an import or a start-up
     *                               snippet does not compile or throws
     */
    public JShellEvaluator(List<String> classPath, List<String> imports, List<String> vmOptions, List<String> startup) {
        this.classPath = List.copyOf(classPath);
        this.imports = List.copyOf(imports);
        this.vmOptions = List.copyOf(vmOptions);
        this.startup = List.copyOf(startup);
        try {
            this.displayFile = Files.createTempDirectory("qprobe-kernel").resolve("display.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.engine = start();
    }

    /**
     * An evaluator for notebooks: the engine gets this JVM's class path (so the DSL, the
     * kernel and their libraries), the DSL's imports, {@link QProbe#IMPORTS}, and the
     * {@link Notebook} methods; the DSL's progress shows as notebook outputs ({@link NotebookProgress}).
     */
    public static JShellEvaluator withDsl(String... vmOptions) {
        List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty()).toList();
        List<String> imports = new ArrayList<>(QProbe.IMPORTS);
        imports.addAll(Notebook.ENGINE_IMPORTS);
        return new JShellEvaluator(classPath, imports, List.of(vmOptions), Notebook.ENGINE_STARTUP);
    }

    private Engine start() {
        String path = String.join(File.pathSeparator, classPath);
        List<String> remote = new ArrayList<>(List.of("--class-path", path, "--add-modules=jdk.incubator.vector",
                "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                "-D" + OutputChannel.TOKEN_PROPERTY + "=" + outputToken));
        remote.addAll(vmOptions);
        JShell shell = JShell.builder()
                .in(InputStream.nullInputStream()) // a cell reading System.in gets end of input, not the kernel's
                .out(new PrintStream(out, true, UTF_8))
                .err(new PrintStream(err, true, UTF_8))
                .compilerOptions("--class-path", path)
                .remoteVMOptions(remote.toArray(String[]::new))
                .build();
        AtomicBoolean ended = new AtomicBoolean();
        shell.onShutdown(s -> ended.set(true));
        List<String> snippets = new ArrayList<>();
        imports.forEach(i -> snippets.add("import " + i + ";"));
        snippets.addAll(startup);
        for (String source : snippets) {
            for (SnippetEvent e : shell.eval(source)) {
                if (e.status() != Snippet.Status.VALID || e.exception() != null) {
                    shell.close();
                    throw new IllegalStateException("the engine rejected its start-up snippet " + source + ": "
                            + (e.exception() != null ? e.exception().toString()
                            : shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).toList()));
                }
            }
        }
        places.clear();
        return new Engine(shell, ended);
    }

    /** Replaces the engine by a fresh one: every variable, method and class defined by cells is gone. */
    public synchronized void restart() {
        engine.shell().close();
        engine = start();
    }

    /** {@link #eval(String, Consumer, Consumer)} without streaming the output. */
    public EvalResult eval(String cell) {
        return eval(cell, null, null);
    }

    /** {@link #eval(String, Consumer, Consumer, Consumer)} without the outputs published while the cell runs. */
    public EvalResult eval(String cell, Consumer<String> stdout, Consumer<String> stderr) {
        return eval(cell, stdout, stderr, null);
    }

    /**
     * Runs a cell.
     *
     * @param stdout  if not null, gets the cell's standard output as it is written, in chunks
     * @param stderr  likewise for standard error
     * @param outputs if not null, gets what the cell publishes while it runs ({@link Notebook}),
     *                in order with the chunks of {@code stdout}; without it these are dropped
     */
    public synchronized EvalResult eval(String cell, Consumer<String> stdout, Consumer<String> stderr,
                                        Consumer<OutputEvent> outputs) {
        int number = ++cells;
        stopRequested = false;
        running = true;
        out.begin(stdout, outputs);
        err.begin(stderr, null);
        Outcome outcome;
        try {
            outcome = run(cell, number);
        } finally {
            running = false;
            out.end();
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
            engine = start();
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
        Map<String, Object> display;
        try {
            Files.deleteIfExists(displayFile);
            Optional<SnippetEvent> rendered = evalSnippet("dev.qprobe.kernel.Display.write(" + name + ", "
                    + javaString(displayFile.toString()) + ");");
            if (rendered.isEmpty()) {
                return Outcome.failed(engineEnded());
            }
            if (stopRequested) {
                return Outcome.failed(interrupted());
            }
            SnippetEvent r = rendered.get();
            if (r.status() != Snippet.Status.VALID || r.exception() != null) {
                // toString() threw, or the value's type is not accessible: show JShell's own text.
                err.note("(rich display failed: " + (r.exception() != null ? r.exception().getMessage() : r.status())
                        + ")");
                return new Outcome(Optional.ofNullable(text), plain, Optional.empty());
            }
            display = Display.read(displayFile);
            Files.deleteIfExists(displayFile);
        } catch (IOException e) {
            err.note("(rich display failed: " + e + ")");
            return new Outcome(Optional.ofNullable(text), plain, Optional.empty());
        }
        return new Outcome(Optional.ofNullable(text), display, Optional.empty());
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
        String message = "the cell ended the Java engine (System.exit?); a fresh one was started, so every variable,"
                + " method and class from earlier cells is gone";
        return new CellError(Kind.ENGINE_RESTARTED, "EngineRestarted", message, List.of(message));
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
     * skipped; the cell reports {@link Kind#INTERRUPTED}. Returns once the cell has stopped, or
     * after ten seconds of trying. Does nothing between cells.
     */
    public void interrupt() {
        int cell = cells;
        stopRequested = true;
        long deadline = System.nanoTime() + INTERRUPT_PATIENCE_NANOS;
        // JShell.stop() only stops code that runs, not a snippet being compiled: repeat until the cell
        // ends, and never stop the cell after it.
        while (running && cells == cell && System.nanoTime() < deadline) {
            engine.shell().stop();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether {@code code} is ready to run or needs more lines, for console front ends. */
    public IsComplete isComplete(String code) {
        SourceCodeAnalysis analysis = engine.shell().sourceCodeAnalysis();
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

    /** Completions of the code before {@code cursor}; type-matching suggestions first, no duplicates. */
    public Completion complete(String code, int cursor) {
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
     * the JDK's {@code lib/src.zip} for JDK classes; without it only signatures come back.
     */
    public Optional<String> inspect(String code, int cursor) {
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

    /** Ends the engine's JVM. */
    @Override
    public void close() {
        engine.shell().close();
        try {
            Files.deleteIfExists(displayFile);
            Files.deleteIfExists(displayFile.getParent());
        } catch (IOException e) {
            // a stray file in the temp directory is harmless
        }
    }

    /**
     * Collects what the engine writes to one stream during a cell, decoding UTF-8 across chunk
     * boundaries, and forwards it to a listener as it arrives; with a token, it takes the
     * {@link OutputChannel}'s lines out and hands their events to a listener of their own.
     */
    private static final class Sink extends OutputStream {
        private final CharsetDecoder decoder = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final StringBuilder text = new StringBuilder();
        /** Separates events from text; null for a stream that carries none. */
        private final OutputChannel.Reader channel;
        private ByteBuffer pending = ByteBuffer.allocate(8192);
        private Consumer<String> listener;
        private Consumer<OutputEvent> outputs;

        /** @param token the engine's {@link OutputChannel} token, or null for text only */
        Sink(String token) {
            channel = token == null ? null : new OutputChannel.Reader(token, this::emitText, this::emitOutput,
                    this::note);
        }

        synchronized void begin(Consumer<String> listener, Consumer<OutputEvent> outputs) {
            this.listener = listener;
            this.outputs = outputs;
            text.setLength(0);
            pending.clear();
            decoder.reset();
        }

        synchronized void end() {
            pending.flip();
            CharBuffer chars = CharBuffer.allocate(pending.remaining() + 1);
            decoder.decode(pending, chars, true);
            decoder.flush(chars);
            pending.clear();
            emit(chars.flip().toString());
            if (channel != null) {
                channel.finish();
            }
            listener = null;
            outputs = null;
        }

        synchronized String text() {
            return text.toString();
        }

        /** A line from the evaluator itself. */
        synchronized void note(String line) {
            emitText(line + "\n");
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) {
            if (pending.remaining() < len) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * pending.capacity(), pending.position() + len));
                bigger.put(pending.flip());
                pending = bigger;
            }
            pending.put(bytes, off, len).flip();
            CharBuffer chars = CharBuffer.allocate(pending.remaining());
            decoder.decode(pending, chars, false); // an incomplete character waits for its next bytes
            pending.compact();
            emit(chars.flip().toString());
        }

        private void emit(String chunk) {
            if (channel != null) {
                channel.accept(chunk);
            } else {
                emitText(chunk);
            }
        }

        private void emitOutput(OutputEvent event) {
            if (outputs != null) {
                try {
                    outputs.accept(event);
                } catch (RuntimeException e) {
                    outputs = null; // as for text: the engine's output thread must go on
                }
            }
        }

        private void emitText(String chunk) {
            if (chunk.isEmpty()) {
                return;
            }
            text.append(chunk);
            if (listener != null) {
                try {
                    listener.accept(chunk);
                } catch (RuntimeException e) {
                    listener = null; // a broken listener must not break the engine's output thread
                }
            }
        }
    }
}
