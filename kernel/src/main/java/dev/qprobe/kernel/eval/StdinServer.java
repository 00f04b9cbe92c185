package dev.qprobe.kernel.eval;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.kernel.engine.EngineStdin;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The kernel's end of the engines' {@code System.in} ({@link EngineStdin}): a loopback socket
 * that hands each read the running cell's next line.
 *
 * <p>An engine connects when it first reads, proves it is ours with a token, then sends one
 * numbered request per read; the answer, under the same number, is a line (with the cell it
 * belongs to), the end of the input, or "interrupted". A request that still holds unread bytes
 * of a line names that line's cell, and they are kept only if that cell is still running: what
 * a cell left unread is not the next cell's input. Each engine's requests are served on a
 * thread of their own, so the engine's output keeps flowing while a cell waits for the user.
 */
final class StdinServer implements AutoCloseable {
    private final ServerSocket server;
    private final String token;
    private final Consumer<String> note;
    private volatile Cell cell;
    private volatile boolean closed;

    /** The running cell's input. */
    private record Cell(int number, InputSource source, BooleanSupplier stopped, AtomicBoolean noted) {
    }

    /**
     * Listens on a free port of the loopback address.
     *
     * @param note gets the line saying why there is no input, once a cell, for {@link InputSource.None}
     */
    StdinServer(Consumer<String> note) throws IOException {
        this.note = note;
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "qprobe-stdin-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** What an engine presents to be served. */
    String token() {
        return token;
    }

    /** From now on, reads get the lines of {@code source}, for cell {@code number}, until {@link #end}. */
    synchronized void begin(int number, InputSource source, BooleanSupplier stopped) {
        cell = new Cell(number, source, stopped, new AtomicBoolean());
        notifyAll();
    }

    /** No cell runs: reads (say by a thread a cell left behind) find the end of the input. */
    synchronized void end() {
        cell = null;
        notifyAll();
    }

    /** Returns once {@code c} is no longer the running cell. */
    private synchronized void awaitEnd(Cell c) throws IOException {
        while (cell == c && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                Thread serve = new Thread(() -> serve(socket), "qprobe-stdin");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                // closed, or a failed connection: the loop checks which
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
            if (!MessageDigest.isEqual(token.getBytes(UTF_8), in.readUTF().getBytes(UTF_8))) {
                return; // not one of our engines
            }
            while (true) {
                int request = in.readInt();
                int heldFrom = in.readInt();
                out.writeInt(request);
                answer(heldFrom, out);
                out.flush();
            }
        } catch (IOException e) {
            // the engine ended, or the server closed
        }
    }

    private void answer(int heldFrom, DataOutputStream out) throws IOException {
        Cell c = cell;
        if (c == null) {
            out.writeInt(EngineStdin.END);
        } else if (c.stopped().getAsBoolean()) {
            awaitEnd(c);
            out.writeInt(EngineStdin.INTERRUPTED);
        } else if (heldFrom == c.number()) {
            out.writeInt(EngineStdin.KEEP);
        } else if (c.source() instanceof InputSource.None none) {
            if (c.noted().compareAndSet(false, true)) {
                note.accept(none.why());
            }
            out.writeInt(EngineStdin.END);
        } else {
            String line = c.source().readLine(c.stopped());
            if (c.stopped().getAsBoolean()) {
                awaitEnd(c);
                out.writeInt(EngineStdin.INTERRUPTED);
            } else if (line == null) {
                out.writeInt(EngineStdin.END);
            } else {
                byte[] bytes = (line + "\n").getBytes(UTF_8);
                out.writeInt(EngineStdin.LINE);
                out.writeInt(c.number());
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
