package dev.qprobe.kernel.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.KernelTimestamp;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.adapters.HeaderAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HistoryRequestAdapter;
import org.dflib.jjava.jupyter.messages.adapters.KernelTimestampAdapter;
import org.dflib.jjava.jupyter.messages.adapters.MessageTypeAdapter;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.zeromq.ZMQ;

/**
 * JJava's connection with shell and control channels that survive bad input.
 *
 * <p>JJava 1.0-a6 reads a request on the channel's own thread and lets any exception end that
 * thread: one message with a wrong signature, JSON that does not parse or a header without
 * {@code username} would leave a kernel that no longer answers. Here each request is checked
 * (frames, signature, JSON, header) before it is handled, and a bad one is logged and dropped.
 * Heartbeat, stdin and iopub are JJava's own.
 */
public final class GuardedConnection extends JupyterConnection {
    private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(US_ASCII);
    private static final Type JSON_MAP = new TypeToken<Map<String, Object>>() { }.getType();
    /** Parses requests as JJava's own sockets do. */
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
            .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
            .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
            .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
            .create();
    private static final List<String> HEADER_FIELDS = List.of("msg_id", "username", "session", "msg_type",
            "version");

    private final KernelConnectionProperties properties;
    /** Our channels' own context: JJava's is private to it (contexts only need sharing for inproc). */
    private final ZMQ.Context context = ZMQ.context(1);
    private final GuardedShellChannel shellChannel;
    private final GuardedShellChannel controlChannel;
    private final StdinRequests stdinRequests;
    private volatile boolean connected;
    private volatile boolean closed;

    public GuardedConnection(KernelConnectionProperties properties) throws GeneralSecurityException {
        super(properties);
        this.properties = properties;
        HMACGenerator hmac = properties.createHMACGenerator();
        this.shellChannel = new GuardedShellChannel(context, hmac, false, this);
        this.controlChannel = new GuardedShellChannel(context, hmac, true, this);
        this.stdinRequests = new StdinRequests(stdin, hmac);
    }

    /** Asks the client for input on JJava's stdin socket, which nothing else reads. */
    public StdinRequests stdinRequests() {
        return stdinRequests;
    }

    /** Binds every channel to the transport, address and ports of the connection file, and says "starting". */
    @Override
    public synchronized void connect() {
        if (connected) {
            return;
        }
        heartbeat.bind(properties);
        shellChannel.bind(properties);
        controlChannel.bind(properties);
        stdin.bind(properties);
        // A PUB socket drops messages once 1,000 wait (ZeroMQ's default high-water mark), silently,
        // and a busy front end reads slower than a cell prints: output, and even the idle status,
        // were lost. No limit here; what a cell can queue is bounded by its OutputLimit.
        iopub.setSndHWM(0);
        iopub.bind(properties);
        iopub.sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shellChannel.close();
        controlChannel.close();
        super.close(); // JJava's sockets, its unused shell and control included, and its context
        context.close();
    }

    @Override
    public void waitUntilClose() {
        shellChannel.waitUntilClose();
        controlChannel.waitUntilClose();
        super.waitUntilClose();
    }

    /** A shell or control channel: a ROUTER socket read by one thread that never dies of a bad request. */
    private static final class GuardedShellChannel extends ShellChannel {
        private final boolean control;
        private final GuardedConnection connection;
        private final HMACGenerator hmac;
        private volatile boolean running;
        private Thread loop;

        GuardedShellChannel(ZMQ.Context context, HMACGenerator hmac, boolean control, GuardedConnection connection) {
            super(context, hmac, control, connection);
            this.control = control;
            this.connection = connection;
            this.hmac = hmac;
        }

        @Override
        public void bind(KernelConnectionProperties p) {
            int port = control ? p.getControlPort() : p.getShellPort();
            bind(p.getTransport() + "://" + p.getIp() + ":" + port);
            running = true;
            loop = new Thread(this::serve, control ? "qprobe-control" : "qprobe-shell");
            loop.start();
        }

        private void serve() {
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            try {
                while (running) {
                    if (poller.poll(50) > 0 && running) {
                        List<byte[]> frames = new ArrayList<>();
                        do {
                            frames.add(recv());
                        } while (hasReceiveMore());
                        handle(frames);
                    }
                }
            } catch (RuntimeException e) {
                // Polling a socket that is being closed: the channel is done.
                if (running) {
                    LOG.log(Level.WARNING, "channel " + loop.getName() + " stopped", e);
                }
            } finally {
                poller.close();
            }
        }

        private void handle(List<byte[]> frames) {
            Message<?> message;
            try {
                message = parse(frames);
            } catch (RuntimeException e) {
                LOG.warning("dropped a request: " + e.getMessage());
                return;
            }
            @SuppressWarnings("unchecked")
            ShellHandler<Object> handler = (ShellHandler<Object>) connection.getHandler(message.getHeader().getType());
            if (handler == null) {
                LOG.warning("no handler for " + message.getHeader().getType().getName() + ", ignored");
                return;
            }
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
            try {
                @SuppressWarnings("unchecked")
                Message<Object> m = (Message<Object>) message;
                handler.handle(env, m);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "failed to handle " + message.getHeader().getType().getName(), e);
            } finally {
                try {
                    env.resolveDeferrals(); // at least the idle status, so clients do not wait for ever
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not send the replies", e);
                }
            }
            if (env.isMarkedForShutdown()) {
                running = false;
                new Thread(connection::close, "qprobe-shutdown").start(); // close() joins this thread
            }
        }

        /** Sends {@code message}, a reply in the protocol's shape ({@link ReplyContent}). */
        @Override
        public synchronized void sendMessage(Message<?> message) {
            super.sendMessage(ReplyContent.conform(message));
        }

        /** The request in {@code frames}; throws if the frames, the signature, the JSON or the header are wrong. */
        private Message<?> parse(List<byte[]> frames) {
            int delimiter = -1;
            for (int i = 0; i < frames.size() && delimiter < 0; i++) {
                if (Arrays.equals(DELIMITER, frames.get(i))) {
                    delimiter = i;
                }
            }
            if (delimiter < 0 || frames.size() < delimiter + 6) {
                throw new IllegalArgumentException("not a Jupyter message (" + frames.size() + " frames)");
            }
            byte[] header = frames.get(delimiter + 2);
            byte[] parent = frames.get(delimiter + 3);
            byte[] metadata = frames.get(delimiter + 4);
            byte[] content = frames.get(delimiter + 5);
            byte[] expected = hmac.calculateSignature(header, parent, metadata, content).getBytes(US_ASCII);
            // Constant time, so a forger learns nothing from how long a rejection takes.
            if (!MessageDigest.isEqual(expected, frames.get(delimiter + 1))) {
                throw new SecurityException("wrong signature");
            }
            JsonObject headerJson = JsonParser.parseString(new String(header, UTF_8)).getAsJsonObject();
            for (String field : HEADER_FIELDS) {
                JsonElement value = headerJson.get(field);
                if (value == null || !value.isJsonPrimitive()) {
                    throw new IllegalArgumentException("header without " + field);
                }
            }
            Header<?> h = GSON.fromJson(headerJson, Header.class);
            if (h.getType() == MessageType.UNKNOWN) {
                throw new IllegalArgumentException("unknown msg_type " + headerJson.get("msg_type"));
            }
            JsonElement parentJson = JsonParser.parseString(new String(parent, UTF_8));
            Header<?> parentHeader = parentJson.isJsonObject() && !parentJson.getAsJsonObject().isEmpty()
                    ? GSON.fromJson(parentJson, Header.class) : null;
            Map<String, Object> meta = GSON.fromJson(new String(metadata, UTF_8), JSON_MAP);
            JsonElement contentJson = JsonParser.parseString(new String(content, UTF_8));
            if (!contentJson.isJsonObject()) {
                throw new IllegalArgumentException("content is not a JSON object");
            }
            Object body = GSON.fromJson(contentJson, h.getType().getContentType());
            List<byte[]> identities = List.copyOf(frames.subList(0, delimiter));
            List<byte[]> buffers = List.copyOf(frames.subList(delimiter + 6, frames.size()));
            @SuppressWarnings({"unchecked", "rawtypes"})
            Message<?> message = new Message(identities, h, parentHeader, meta, body, buffers);
            return message;
        }

        @Override
        public void close() {
            running = false;
            Thread t = loop;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.close();
        }

        @Override
        public void waitUntilClose() {
            Thread t = loop;
            if (t == null) {
                return;
            }
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
