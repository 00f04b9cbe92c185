package dev.qprobe.kernel.protocol;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.request.InputRequest;

/**
 * Asks the client for a line of input over the stdin channel: an {@code input_request}, then the
 * {@code input_reply} to it.
 *
 * <p>JJava's own {@code StdinChannel.getInput} waits for the reply without end and fails on any
 * other message. Here the wait gives up when the cell is interrupted, and a message that is not
 * a correctly signed {@code input_reply} is dropped, as is a reply whose parent header names
 * another request (the late answer to an interrupted one, say). A reply without a parent header
 * counts: jupyter_client's {@code input()} sends none.
 */
public final class StdinRequests {
    private static final Logger LOG = Logger.getLogger(StdinRequests.class.getName());
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(US_ASCII);
    /** How often waiting looks whether the cell was interrupted. */
    private static final int POLL_MILLIS = 100;

    private final JupyterSocket channel;
    private final HMACGenerator hmac;

    /**
     * @param channel the kernel's bound stdin socket (a ROUTER), used by nothing else
     * @param hmac    signs and checks messages with the connection's key
     */
    StdinRequests(JupyterSocket channel, HMACGenerator hmac) {
        this.channel = channel;
        this.hmac = hmac;
    }

    /**
     * Asks for a line on behalf of {@code request}, the execute request whose cell reads input
     * (the client routes the question to the front end that sent it).
     *
     * @param stopped turns true when the cell is interrupted
     * @return what the user typed, or null if {@code stopped} turned true or the channel closed first
     */
    public String ask(MessageContext request, String prompt, boolean password, BooleanSupplier stopped) {
        synchronized (channel) {
            try {
                while (receive(0) != null) {
                    LOG.fine("dropped a stale message on stdin");
                }
                Message<InputRequest> question = new Message<>(request, InputRequest.MESSAGE_TYPE,
                        new InputRequest(prompt, password));
                channel.sendMessage(question);
                String id = question.getHeader().getId();
                while (!stopped.getAsBoolean()) {
                    List<byte[]> frames = receive(POLL_MILLIS);
                    if (frames != null) {
                        Optional<String> answer = answerTo(id, frames);
                        if (answer.isPresent()) {
                            return answer.get();
                        }
                    }
                }
                return null;
            } catch (RuntimeException e) {
                // The socket closes when the kernel shuts down: there is no more input then.
                LOG.fine("stdin channel unusable: " + e);
                return null;
            }
        }
    }

    /** The frames of the next message, or null if none comes within {@code millis}. */
    private List<byte[]> receive(int millis) {
        channel.setReceiveTimeOut(millis);
        byte[] first = channel.recv();
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (channel.hasReceiveMore()) {
            frames.add(channel.recv()); // the rest of a message is there already
        }
        return frames;
    }

    /** The value of {@code frames} if they are a signed {@code input_reply}, to request {@code id} if it says so. */
    private Optional<String> answerTo(String id, List<byte[]> frames) {
        int d = 0;
        while (d < frames.size() && !Arrays.equals(DELIMITER, frames.get(d))) {
            d++;
        }
        if (frames.size() < d + 6) {
            LOG.warning("dropped a message on stdin that is not a Jupyter message (" + frames.size() + " frames)");
            return Optional.empty();
        }
        byte[] expected = hmac.calculateSignature(frames.get(d + 2), frames.get(d + 3), frames.get(d + 4),
                frames.get(d + 5)).getBytes(US_ASCII);
        if (!MessageDigest.isEqual(expected, frames.get(d + 1))) {
            LOG.warning("dropped a message on stdin with a wrong signature");
            return Optional.empty();
        }
        try {
            JsonObject header = JsonParser.parseString(new String(frames.get(d + 2), UTF_8)).getAsJsonObject();
            JsonObject parent = JsonParser.parseString(new String(frames.get(d + 3), UTF_8)).getAsJsonObject();
            JsonObject content = JsonParser.parseString(new String(frames.get(d + 5), UTF_8)).getAsJsonObject();
            JsonElement type = header.get("msg_type");
            JsonElement parentId = parent.get("msg_id");
            JsonElement value = content.get("value");
            if (type == null || !type.getAsString().equals("input_reply")
                    || parentId != null && !parentId.getAsString().equals(id)) {
                LOG.info("dropped a message on stdin that is not the reply to input request " + id);
                return Optional.empty();
            }
            return Optional.of(value == null || value.isJsonNull() ? "" : value.getAsString());
        } catch (RuntimeException e) {
            LOG.warning("dropped a malformed message on stdin: " + e.getMessage());
            return Optional.empty();
        }
    }
}
