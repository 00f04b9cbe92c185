package dev.qprobe.kernel.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An output a cell publishes while it runs, besides its printed text: what {@link Notebook}
 * sends from the engine and the kernel turns into the Jupyter message of the same name, and the
 * rendering of the cell's value that the evaluator asks the engine for ({@link Value}).
 */
public sealed interface OutputEvent {

    /**
     * A new output ({@code display_data}).
     *
     * @param displayId names the output for later {@link UpdateDisplay}s
     * @param data      the MIME bundle, as {@link Display#render} makes it
     */
    record NewDisplay(String displayId, Map<String, Object> data) implements OutputEvent {
        public NewDisplay {
            requireId(displayId);
            data = bundle(data);
        }
    }

    /**
     * New content for the output(s) published with {@code displayId} ({@code update_display_data}).
     *
     * @param displayId the output to replace
     * @param data      the new MIME bundle
     */
    record UpdateDisplay(String displayId, Map<String, Object> data) implements OutputEvent {
        public UpdateDisplay {
            requireId(displayId);
            data = bundle(data);
        }
    }

    /**
     * Clears the cell's output ({@code clear_output}).
     *
     * @param waitForNextOutput clear only when the next output arrives (Jupyter's {@code wait}),
     *                          which avoids flicker in a loop that clears and redraws
     */
    record ClearOutput(boolean waitForNextOutput) implements OutputEvent {
    }

    /**
     * The cell's value, rendered by {@link Display#publishValue} in the engine; the evaluator keeps
     * it for the cell's {@code execute_result} instead of passing it on.
     *
     * @param data the MIME bundle, as {@link Display#render} makes it
     */
    record Value(Map<String, Object> data) implements OutputEvent {
        public Value {
            data = bundle(data);
        }
    }

    /**
     * How far a long step of the DSL has got ({@link NotebookProgress}); not a Jupyter message of
     * its own: the kernel gathers a cell's reports into one output that updates.
     *
     * @param stage names the step, e.g. "sampling 8 x 500 prompts"
     * @param done  units finished
     * @param total units in all (0 when unknown)
     */
    record Progress(String stage, long done, long total) implements OutputEvent {
        public Progress {
            Objects.requireNonNull(stage, "stage");
        }

        /** "stage: done/total (p%)", or "stage: done" when the total is unknown. */
        public String line() {
            return total > 0 ? String.format(Locale.ROOT, "%s: %d/%d (%d%%)", stage, done, total,
                    100 * done / total) : stage + ": " + done;
        }
    }

    /** An unmodifiable copy that keeps the bundle's order (richest type first). */
    private static Map<String, Object> bundle(Map<String, Object> data) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    private static void requireId(String displayId) {
        if (displayId == null || displayId.isBlank()) {
            throw new IllegalArgumentException("a display id must not be blank, got " + displayId);
        }
    }

    /** This event as a JSON object: its Jupyter message type plus the message's fields. */
    default Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (this instanceof NewDisplay d) {
            json.put("type", "display_data");
            json.put("display_id", d.displayId());
            json.put("data", d.data());
        } else if (this instanceof UpdateDisplay u) {
            json.put("type", "update_display_data");
            json.put("display_id", u.displayId());
            json.put("data", u.data());
        } else if (this instanceof Value v) {
            json.put("type", "execute_result");
            json.put("data", v.data());
        } else if (this instanceof Progress p) {
            json.put("type", "progress");
            json.put("stage", p.stage());
            json.put("done", p.done());
            json.put("total", p.total());
        } else {
            json.put("type", "clear_output");
            json.put("wait", ((ClearOutput) this).waitForNextOutput());
        }
        return json;
    }

    /**
     * The event that {@link #toJson} wrote.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong type
     */
    static OutputEvent fromJson(Map<?, ?> json) {
        Object type = json.get("type");
        if ("clear_output".equals(type)) {
            if (!(json.get("wait") instanceof Boolean wait)) {
                throw new IllegalArgumentException("clear_output needs a boolean \"wait\", got " + json.get("wait"));
            }
            return new ClearOutput(wait);
        }
        if ("progress".equals(type)) {
            if (!(json.get("stage") instanceof String stage) || !(json.get("done") instanceof Number done)
                    || !(json.get("total") instanceof Number total)) {
                throw new IllegalArgumentException("progress needs a string \"stage\" and numbers \"done\" and"
                        + " \"total\", got " + json);
            }
            return new Progress(stage, done.longValue(), total.longValue());
        }
        if (!"display_data".equals(type) && !"update_display_data".equals(type) && !"execute_result".equals(type)) {
            throw new IllegalArgumentException("unknown output type " + type
                    + " (expected display_data, update_display_data, clear_output, execute_result or progress)");
        }
        if (!(json.get("data") instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(type + " needs an object \"data\", got " + json.get("data"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(type + " has no content for " + e.getKey());
            }
            data.put(String.valueOf(e.getKey()), e.getValue());
        }
        if ("execute_result".equals(type)) {
            return new Value(data);
        }
        if (!(json.get("display_id") instanceof String id)) {
            throw new IllegalArgumentException(type + " needs a string \"display_id\", got " + json.get("display_id"));
        }
        return "display_data".equals(type) ? new NewDisplay(id, data) : new UpdateDisplay(id, data);
    }
}
