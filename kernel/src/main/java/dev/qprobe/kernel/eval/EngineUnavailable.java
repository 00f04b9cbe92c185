package dev.qprobe.kernel.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** Thrown when the engine could not be started; the message says why in a line or two. */
final class EngineUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(EngineUnavailable.class.getName());

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
