package dev.qprobe.kernel.engine;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
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
 *
 * <p>Why Gson: the kernel speaks Jupyter's protocol with it, so it is loaded there anyway, and
 * it starts in a fraction of the classes a Jackson mapper needs: both JVMs read or write an
 * event for the first cell's value, so this is on the way to the first result.
 */
public final class OutputChannel {
    /** The system property of the engine's JVM that holds the token; absent outside a kernel. */
    public static final String TOKEN_PROPERTY = "qprobe.output.token";
    private static final char MARK = '\u001e';
    /** Numbers come back as Long where they are whole, as they were written (Gson's default makes every number a Double). */
    private static final Gson JSON = new GsonBuilder().disableHtmlEscaping()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
        return (prefix(token) + asciiOnly(JSON.toJson(event.toJson())) + "\n").getBytes(US_ASCII);
    }

    /**
     * {@code json} with every character outside ASCII written as a backslash-u escape. JSON's own
     * syntax is ASCII, so such characters only occur inside strings, where the escape means the
     * same character; control characters (line breaks, RS) the writer escaped already.
     */
    private static String asciiOnly(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 128) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(json.length() + 16).append(json, 0, i);
            }
            out.append('\\').append('u').append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                    .append(HEX[c & 15]);
        }
        return out == null ? json : out.toString();
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
                LinkedHashMap<String, Object> map = JSON.fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() { });
                if (map == null) {
                    throw new IllegalArgumentException("no JSON object");
                }
                event = OutputEvent.fromJson(map);
            } catch (JsonParseException | IllegalArgumentException e) {
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
