package dev.qprobe.kernel.eval;

import dev.qprobe.kernel.engine.Display;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What evaluating one cell produced.
 *
 * @param stdout  everything the cell printed to {@code System.out}
 * @param stderr  everything it printed to {@code System.err}, plus the evaluator's notes
 * @param value   JShell's text for the value of the cell's last snippet, when that is an
 *                expression with a value (not a declaration, not a {@code void} call)
 * @param display the value rendered by {@link Display} (empty without a value)
 * @param error   why the cell stopped early; snippets after the failing one did not run
 */
public record EvalResult(String stdout, String stderr, Optional<String> value, Map<String, Object> display,
                         Optional<CellError> error) {

    public EvalResult {
        display = Map.copyOf(display);
    }

    /** True when every snippet of the cell ran without error. */
    public boolean ok() {
        return error.isEmpty();
    }

    /**
     * Why a cell failed, in the shape of a Jupyter error reply.
     *
     * @param kind    what went wrong
     * @param name    the exception's class name, or a name for the kind of failure
     * @param message one line: the exception's message or the first compiler error
     * @param trace   the lines to show: compiler errors with cell line numbers and the offending
     *                line, or the stack trace trimmed to user code
     */
    public record CellError(Kind kind, String name, String message, List<String> trace) {

        public CellError {
            trace = List.copyOf(trace);
        }

        /** The kinds of failure. */
        public enum Kind {
            /** The cell did not compile. */
            COMPILE,
            /** It threw (including {@link OutOfMemoryError} and {@link StackOverflowError}). */
            EXCEPTION,
            /** It was stopped by {@link JShellEvaluator#interrupt()}. */
            INTERRUPTED,
            /** It ended the engine's JVM (say {@code System.exit}); a fresh engine took its place. */
            ENGINE_RESTARTED,
            /** The engine's JVM could not be started, so nothing ran; the next cell tries again. */
            ENGINE_UNAVAILABLE,
            /** A magic line was wrong: an unknown magic, a bad argument, a path that does not exist. */
            MAGIC
        }
    }
}
