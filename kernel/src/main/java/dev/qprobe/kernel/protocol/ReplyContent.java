package dev.qprobe.kernel.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.dflib.jjava.jupyter.kernel.ExpressionValue;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.KernelTimestamp;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.adapters.ExpressionValueAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HeaderAdapter;
import org.dflib.jjava.jupyter.messages.adapters.HistoryEntryAdapter;
import org.dflib.jjava.jupyter.messages.adapters.KernelTimestampAdapter;
import org.dflib.jjava.jupyter.messages.adapters.MessageTypeAdapter;

/**
 * Puts a reply's content in the protocol's shape before it is sent, where JJava 1.0-a6 does not:
 * every reply has a {@code status} (JJava's kernel_info, history, shutdown, interrupt and comm_info
 * replies have none, and clients such as jupyter_kernel_test reject them), and a history entry
 * is the list {@code [session, line, input]} or {@code [session, line, [input, output]]} (JJava
 * has the adapter for that but sends with a Gson without it, so entries went out as objects).
 */
final class ReplyContent {
    /** JJava's sending Gson, plus the adapters of its reply Gson. */
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
            .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
            .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
            .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
            .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
            .create();

    private ReplyContent() {
    }

    /**
     * {@code message} with its content as JSON in the protocol's shape if it is a reply;
     * anything else unchanged. A reply without a status succeeded: JJava sends failures as
     * {@code ErrorReply}, which has one.
     */
    static Message<?> conform(Message<?> message) {
        if (!message.getHeader().getType().getName().endsWith("_reply") || message.getContent() == null) {
            return message;
        }
        JsonElement json = GSON.toJsonTree(message.getContent());
        if (!json.isJsonObject()) {
            return message;
        }
        JsonObject content = json.getAsJsonObject();
        if (!content.has("status")) {
            content.addProperty("status", "ok");
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Message<?> conformed = new Message(message.getIdentities(), message.getHeader(), message.getParentHeader(),
                message.getMetadata(), content, message.getBlobs());
        return conformed;
    }
}
