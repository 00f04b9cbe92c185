package dev.qprobe.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.HistoryReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.junit.jupiter.api.Test;

class ReplyContentTest {
    private static <T> JsonObject conformed(MessageType<T> type, T content) {
        Message<?> message = ReplyContent.conform(new Message<>(new Header<>(type), content));
        return (JsonObject) message.getContent();
    }

    @Test
    void aReplyWithoutStatusSucceeded() {
        JsonObject info = conformed(MessageType.KERNEL_INFO_REPLY, new KernelInfoReply("5.3", "qprobe", "1",
                new LanguageInfo.Builder("java").build(), "banner", List.of()));
        assertEquals("ok", info.get("status").getAsString());
        assertEquals("qprobe", info.get("implementation").getAsString());
        assertEquals("java", info.getAsJsonObject("language_info").get("name").getAsString());
    }

    @Test
    void aReplyKeepsItsOwnStatus() {
        JsonObject error = conformed(MessageType.EXECUTE_REPLY.error(), new ErrorReply("E", "bad", List.of("t")));
        assertEquals("error", error.get("status").getAsString());
        JsonObject ok = conformed(MessageType.EXECUTE_REPLY, new ExecuteReply(3, Map.of()));
        assertEquals("ok", ok.get("status").getAsString());
        assertEquals(3, ok.get("execution_count").getAsInt());
    }

    @Test
    void historyEntriesAreTheProtocolsLists() {
        JsonObject history = conformed(MessageType.HISTORY_REPLY, new HistoryReply(List.of(
                new HistoryEntry(1, 2, "6 * 7", null), new HistoryEntry(1, 3, "1 + 1", "2"))));
        assertEquals(JsonParser.parseString("[[1, 2, \"6 * 7\"], [1, 3, [\"1 + 1\", \"2\"]]]"), history.get("history"));
        assertEquals("ok", history.get("status").getAsString());
    }

    @Test
    void otherMessagesAreLeftAlone() {
        Message<PublishStream> stream = new Message<>(new Header<>(PublishStream.MESSAGE_TYPE),
                new PublishStream(PublishStream.StreamType.OUT, "x"));
        assertSame(stream, ReplyContent.conform(stream));
    }
}
