package dev.qprobe.kernel.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.kernel.engine.OutputChannel;
import dev.qprobe.kernel.engine.OutputEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Collects what the engine writes to one stream during a cell, decoding UTF-8 across chunk
 * boundaries, and forwards it to a listener as it arrives; with a token, it takes the
 * {@link OutputChannel}'s lines out and hands their events to a listener of their own.
 *
 * <p>Text past the cell's {@link CellOutputBudget} is neither kept nor forwarded: it goes, with
 * what this stream showed before, to the stream's file, so that file holds the whole stream.
 */
final class OutputSink extends OutputStream {
    private static final Logger LOG = Logger.getLogger(OutputSink.class.getName());
    private final CharsetDecoder decoder = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** "stdout" or "stderr": names the spill file. */
    private final String stream;
    private final StringBuilder text = new StringBuilder();
    /** Separates events from text; null for a stream that carries none. */
    private final OutputChannel.Reader channel;
    private ByteBuffer pending = ByteBuffer.allocate(8192);
    private Consumer<String> listener;
    private Consumer<OutputEvent> outputs;
    private CellOutputBudget budget;
    /** The stream's file once the budget ran out; null before, and after a write to it failed. */
    private Writer spill;
    private long spilled;

    /**
     * @param stream "stdout" or "stderr"
     * @param token  the engine's {@link OutputChannel} token, or null for text only
     */
    OutputSink(String stream, String token) {
        this.stream = stream;
        channel = token == null ? null : new OutputChannel.Reader(token, this::emitText, this::emitOutput, this::note);
    }

    synchronized void begin(Consumer<String> listener, Consumer<OutputEvent> outputs, CellOutputBudget budget) {
        this.listener = listener;
        this.outputs = outputs;
        this.budget = budget;
        text.setLength(0);
        pending.clear();
        decoder.reset();
        spill = null;
        spilled = 0;
    }

    /** Ends the cell's stream: what is still undecoded goes out, the spill file is closed. */
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
        closeSpill();
        listener = null;
        outputs = null;
        budget = null;
    }

    /** What the cell showed on this stream (not what went to the file only). */
    synchronized String text() {
        return text.toString();
    }

    /** A line from the evaluator itself: always shown, whatever the budget. */
    synchronized void note(String line) {
        show(line + "\n");
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

    /** The cell's text: shown while the budget lasts, then spilled. */
    private void emitText(String chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        int fit = budget == null ? chunk.length() : budget.admit(chunk);
        if (fit > 0) {
            show(fit == chunk.length() ? chunk : chunk.substring(0, fit));
        }
        if (fit < chunk.length()) {
            spill(chunk.substring(fit));
        }
    }

    private void show(String chunk) {
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

    private void spill(String rest) {
        try {
            if (spill == null && spilled == 0) {
                spill = Files.newBufferedWriter(budget.fileFor(stream), UTF_8);
                toFile(text);
            }
            if (spill != null && spilled < budget.maxFileBytes()) {
                toFile(rest);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot write the cell's " + stream + " to its file: " + e);
            closeSpill();
            spilled = Long.MAX_VALUE; // no second try: the text is counted and dropped
        }
    }

    private void toFile(CharSequence chars) throws IOException {
        spill.append(chars);
        spilled += Utf8.length(chars, 0, chars.length());
    }

    private void closeSpill() {
        if (spill != null) {
            try {
                spill.close();
            } catch (IOException e) {
                LOG.warning("cannot close the cell's " + stream + " file: " + e);
            }
            spill = null;
        }
    }
}
