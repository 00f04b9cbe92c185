package dev.qprobe.kernel.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * {@code System.in} inside the engine's JVM: each read that needs more input asks the kernel's
 * {@link StdinServer}, which asks the user. A read returns what the user typed so far and never
 * waits for more than one line; the end of a cell's input does not close the stream for later
 * cells.
 *
 * <p>Not JShell's own input forwarding: that one asks for a byte ahead of the reads now and then,
 * so a cell that read one line would prompt the user for a second.
 *
 * <p>The socket is read and written by a thread of this class only; a reading cell waits on a
 * monitor. JShell stops an interrupted cell by throwing into its thread, which works in a wait
 * but would end the engine's JVM if the thread sat in a socket read.
 */
public final class EngineStdin extends InputStream {
    /** Answer: a line follows, as the cell number, the length and the UTF-8 bytes (line end included). */
    public static final int LINE = 1;
    /** Answer: the end of the input. */
    public static final int END = -1;
    /**
     * Answer: the cell was interrupted while it waited. Sent once the cell has ended: JShell
     * stops the waiting thread, and an answer that let the cell end by itself meanwhile would race
     * with that stop, which can end the engine's JVM.
     */
    public static final int INTERRUPTED = -2;
    /** Answer: read on in the bytes you hold, their cell still runs. */
    public static final int KEEP = -3;

    private final int port;
    private final String token;
    private final Object lock = new Object();
    /** Requests waiting for the connection thread: id and the cell of the bytes held. Guarded by lock. */
    private final Deque<int[]> requests = new ArrayDeque<>();
    /** The latest answer; guarded by lock. */
    private Answer answer;
    /** Why the connection ended, once it did; guarded by lock. */
    private IOException failure;
    private Thread connection;
    private int lastRequest;
    private byte[] line = new byte[0];
    private int next;
    /** The cell whose line {@link #line} is. */
    private int lineCell = -1;

    private record Answer(int request, int kind, int cell, byte[] bytes) {
    }

    private EngineStdin(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** Makes this the engine's {@code System.in}; the kernel runs this once, when the engine starts. */
    public static void install(int port, String token) {
        System.setIn(new EngineStdin(port, token));
    }

    @Override
    public synchronized int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return line[next++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, line.length - next);
        System.arraycopy(line, next, into, offset, n);
        next += n;
        return n;
    }

    /** 0: bytes at hand may belong to a cell that has ended, which only the kernel knows. */
    @Override
    public int available() {
        return 0;
    }

    /** Makes sure unread bytes of the running cell's input are at hand; false at the end of the input. */
    private boolean fill() throws IOException {
        // A prompt printed without a line end must reach the user before the question does.
        System.out.flush();
        System.err.flush();
        boolean holding = next < line.length;
        Answer a = ask(holding ? lineCell : -1);
        switch (a.kind()) {
            case KEEP -> {
                return true;
            }
            case LINE -> {
                lineCell = a.cell();
                line = a.bytes();
                next = 0;
                return line.length > 0;
            }
            case INTERRUPTED -> {
                forget();
                throw new InterruptedIOException("the cell was interrupted while it waited for input");
            }
            default -> {
                forget();
                return false;
            }
        }
    }

    private void forget() {
        line = new byte[0];
        next = 0;
    }

    private Answer ask(int heldFrom) throws IOException {
        synchronized (lock) {
            if (connection == null) {
                connection = new Thread(this::converse, "qprobe-stdin");
                connection.setDaemon(true);
                connection.start();
            }
            int id = ++lastRequest;
            requests.add(new int[] {id, heldFrom});
            lock.notifyAll();
            while (answer == null || answer.request() != id) {
                if (failure != null) {
                    throw new IOException("System.in lost its connection to the kernel", failure);
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for input");
                }
            }
            return answer;
        }
    }

    /** The connection thread: sends the requests in turn and hands out the answers. */
    private void converse() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
            out.writeUTF(token);
            while (true) {
                int[] request;
                synchronized (lock) {
                    while (requests.isEmpty()) {
                        lock.wait();
                    }
                    request = requests.poll();
                }
                out.writeInt(request[0]);
                out.writeInt(request[1]);
                out.flush();
                int id = in.readInt();
                int kind = in.readInt();
                int cell = -1;
                byte[] bytes = null;
                if (kind == LINE) {
                    cell = in.readInt();
                    bytes = in.readNBytes(in.readInt());
                }
                synchronized (lock) {
                    answer = new Answer(id, kind, cell, bytes);
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (lock) {
                failure = e;
                lock.notifyAll();
            }
        } catch (InterruptedException e) {
            synchronized (lock) {
                failure = new InterruptedIOException("the input connection was interrupted");
                lock.notifyAll();
            }
        }
    }
}
