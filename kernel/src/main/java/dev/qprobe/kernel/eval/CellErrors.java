package dev.qprobe.kernel.eval;

import dev.qprobe.kernel.eval.EvalResult.CellError.Kind;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Why a cell failed, as the user should read it: compiler errors at their lines and columns in
 * the cell, stack traces with the cell's frames named by cell number and line, and the
 * evaluator's own failures (interrupted, engine ended or unavailable). Remembers where each
 * snippet of the current engine came from to name those lines.
 */
final class CellErrors {
    /** Where each snippet of the current engine came from, by snippet id: cell number and first line. */
    private final Map<String, int[]> places = new HashMap<>();

    /** Notes that snippet {@code id} starts at {@code line} of cell {@code cell}. */
    void place(String id, int cell, int line) {
        places.put(id, new int[] {cell, line});
    }

    /** Forgets every place: snippet ids start again in a new engine. */
    void newEngine() {
        places.clear();
    }

    static CellError interrupted() {
        return new CellError(Kind.INTERRUPTED, "Interrupted", "the cell was interrupted", List.of());
    }

    static CellError engineEnded() {
        String message = "the cell ended the Java engine (System.exit?); a fresh one is starting, so every variable,"
                + " method and class from earlier cells is gone";
        return new CellError(Kind.ENGINE_RESTARTED, "EngineRestarted", message, List.of(message));
    }

    static CellError engineUnavailable(EngineUnavailable e) {
        String message = "the Java engine could not be started: " + e.getMessage()
                + " (the next cell tries again)";
        return new CellError(Kind.ENGINE_UNAVAILABLE, "EngineUnavailable", message, List.of(message));
    }

    /** The compiler's errors, at their lines and columns in the cell. */
    CellError compileError(JShell shell, Snippet snippet, String cell, int offset) {
        List<String> trace = new ArrayList<>();
        String first = null;
        for (Diag d : shell.diagnostics(snippet).filter(Diag::isError).toList()) {
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
    CellError exception(JShell shell, JShellException e) {
        if (e instanceof UnresolvedReferenceException u) {
            String message = u.getSnippet().name() + " cannot be used until "
                    + shell.unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", "))
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

    static int lineOf(String text, int position) {
        int line = 1;
        for (int i = 0; i < position && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
