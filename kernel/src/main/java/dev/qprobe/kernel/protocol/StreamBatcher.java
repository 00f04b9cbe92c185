package dev.qprobe.kernel.protocol;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Coalesces a cell's printed text into few {@code stream} messages, as ipykernel does: text is
 * held until {@link #DELAY_MILLIS} after the first unsent chunk, or until {@link #MAX_CHARS}
 * gather, then sent as one message. The engine forwards output in packets of about 126 bytes, so
 * without this a cell printing 10,000 lines sent over 10,000 messages, which overflows ZeroMQ's
 * queues and costs the front end a message each.
 *
 * <p>Order is kept: text of the other stream, and any other output ({@link #then}), first sends
 * what is held. Call {@link #flush} when the cell ends, before its reply.
 */
public final class StreamBatcher {
    /** How long the first unsent chunk waits for more: short enough that a print shows at once to a person. */
    static final long DELAY_MILLIS = 10;
    /** The most characters one message carries. */
    static final int MAX_CHARS = 64 * 1024;

    private final ScheduledExecutorService timer;
    private final BiConsumer<String, String> send;
    private final StringBuilder held = new StringBuilder();
    /** The stream {@link #held} belongs to. */
    private String heldStream;
    private ScheduledFuture<?> due;

    /**
     * @param timer runs the delayed sends
     * @param send  sends one message: the stream's name ("stdout", "stderr") and its text
     */
    public StreamBatcher(ScheduledExecutorService timer, BiConsumer<String, String> send) {
        this.timer = timer;
        this.send = send;
    }

    /** Takes a chunk of {@code stream}'s text. */
    public synchronized void text(String stream, String chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        if (!stream.equals(heldStream)) {
            flush();
            heldStream = stream;
        }
        int at = 0;
        while (held.length() + (chunk.length() - at) >= MAX_CHARS) {
            int take = MAX_CHARS - held.length();
            held.append(chunk, at, at + take);
            at += take;
            flush();
            heldStream = stream;
        }
        held.append(chunk, at, chunk.length());
        if (held.length() > 0 && due == null) {
            due = timer.schedule(this::flush, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends what is held, then runs {@code publish} (another output of the cell), so the two stay in order. */
    public synchronized void then(Runnable publish) {
        flush();
        publish.run();
    }

    /** Sends what is held now. */
    public synchronized void flush() {
        if (due != null) {
            due.cancel(false);
            due = null;
        }
        if (held.length() == 0) {
            return;
        }
        String text = held.toString();
        held.setLength(0);
        send.accept(heldStream, text);
    }
}
