package dev.qprobe.kernel.engine;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The side channel that carries {@link OutputEvent}s from the engine's JVM to the kernel while a
 * cell runs: each event is one marked line on the engine's standard output,
 * <pre>  RS "qprobe-output:" token ":" event-as-JSON LF</pre>
 * where RS is the ASCII record separator (U+001E) and the token a random string the evaluator
 * hands its engine in the system property {@value #TOKEN_PROPERTY}. On the kernel's side a
 * {@link Reader} takes the marked lines out of the stream and passes the rest on as text.
 *
 * <p>Why standard output: the engine already streams it to the kernel, in the order the cell
 * writes, so an event lands exactly between the text printed before and after it with no
 * ordering work, and it needs no second connection, port or file to watch. JShell's remote agent
 * forwards output in packets of a hundred-odd bytes, so the reader reassembles a marked line
 * from as many chunks as it takes, and a chunk may end anywhere inside the marker.
 *
 * <p>Why a control character and a token: people do not print RS, and text that merely looks
 * like a marker (RS and "qprobe-output:" with another token, or none) is passed on unchanged. A
 * cell that reads the property can forge events, which gives it nothing that {@link Notebook}
 * does not already offer.
 *
 * <p>Why inline JSON, even for a PNG: the reader holds one line in memory, as it would hold a
 * file it was pointed to, and there are no temporary files to clean up after an interrupted
 * cell. The JSON is written with every non-ASCII character escaped, so the line is ASCII
 * whatever the engine's charset, and it holds no raw line break.
 */
public final class OutputChannel {
    /** The system property of the engine's JVM that holds the token; absent outside a kernel. */
    public static final String TOKEN_PROPERTY = "qprobe.output.token";
    private static final char MARK = '\u001e';
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private OutputChannel() {
    }

    /** A fresh random token: hexadecimal, so it holds neither RS nor a line break. */
    public static String newToken() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String prefix(String token) {
        return MARK + "qprobe-output:" + token + ":";
    }

    /** The marked line for {@code event}, as the engine writes it. */
    static byte[] line(String token, OutputEvent event) {
        try {
            return (prefix(token) + JSON.writeValueAsString(event.toJson()) + "\n").getBytes(US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + event.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Splits what the engine writes into text and events, in order. Not thread-safe: one writer
     * (the stream's pump) at a time.
     */
    public static final class Reader {
        private final String prefix;
        private final Consumer<String> text;
        private final Consumer<OutputEvent> events;
        private final Consumer<String> problems;
        /** Text held back: a beginning of the prefix, or the prefix and part of an event's JSON. */
        private final StringBuilder held = new StringBuilder();
        /** Whether {@link #held} starts with the whole prefix, so the rest up to a line break is JSON. */
        private boolean inEvent;

        /**
         * @param token    the engine's token
         * @param text     gets the text between events
         * @param events   gets each event, after the text written before it
         * @param problems gets a note when a marked line does not hold a readable event
         */
        public Reader(String token, Consumer<String> text, Consumer<OutputEvent> events, Consumer<String> problems) {
            this.prefix = prefix(token);
            this.text = text;
            this.events = events;
            this.problems = problems;
        }

        /** Takes the next chunk of the stream. */
        public void accept(String chunk) {
            int at = 0;
            while (at < chunk.length()) {
                if (inEvent) {
                    int end = chunk.indexOf('\n', at);
                    if (end < 0) {
                        held.append(chunk, at, chunk.length());
                        return;
                    }
                    held.append(chunk, at, end);
                    String json = held.substring(prefix.length());
                    held.setLength(0);
                    inEvent = false;
                    deliver(json);
                    at = end + 1;
                } else if (held.length() > 0) {
                    at = matchPrefix(chunk, at);
                } else {
                    int mark = chunk.indexOf(MARK, at);
                    int end = mark < 0 ? chunk.length() : mark;
                    if (end > at) {
                        text.accept(chunk.substring(at, end));
                    }
                    if (mark < 0) {
                        return;
                    }
                    held.append(MARK);
                    at = mark + 1;
                }
            }
        }

        /** Continues matching the prefix begun in {@link #held}; returns where the chunk goes on. */
        private int matchPrefix(String chunk, int at) {
            while (at < chunk.length() && held.length() < prefix.length()) {
                char c = chunk.charAt(at);
                if (c != prefix.charAt(held.length())) {
                    // Not ours. The prefix holds RS only at its start, so no marker begins inside
                    // what was held: it is all text, and c is looked at afresh.
                    text.accept(held.toString());
                    held.setLength(0);
                    return at;
                }
                held.append(c);
                at++;
            }
            if (held.length() == prefix.length()) {
                inEvent = true;
            }
            return at;
        }

        private void deliver(String json) {
            OutputEvent event;
            try {
                event = OutputEvent.fromJson(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { }));
            } catch (IOException | IllegalArgumentException e) {
                problems.accept("(an output from the cell could not be read: " + e.getMessage() + ")");
                return;
            }
            events.accept(event);
        }

        /**
         * Ends the stream of one cell: a held beginning of the prefix was text after all and is
         * passed on; a marked line without its end (the cell was stopped while writing it) is
         * dropped, as its event is incomplete.
         */
        public void finish() {
            if (!inEvent && held.length() > 0) {
                text.accept(held.toString());
            }
            held.setLength(0);
            inEvent = false;
        }
    }
}
