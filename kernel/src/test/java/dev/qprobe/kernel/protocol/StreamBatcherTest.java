package dev.qprobe.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamBatcherTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final StreamBatcher batcher = new StreamBatcher(timer, (stream, text) -> sent.add(stream + ":" + text));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void chunksThatArriveTogetherGoAsOneMessage() throws Exception {
        for (int i = 0; i < 1000; i++) {
            batcher.text("stdout", i + "\n");
        }
        Thread.sleep(20 * StreamBatcher.DELAY_MILLIS);
        assertEquals(1, sent.size(), "sent by the timer, once");
        StringBuilder expected = new StringBuilder("stdout:");
        for (int i = 0; i < 1000; i++) {
            expected.append(i).append('\n');
        }
        assertEquals(expected.toString(), sent.get(0));
    }

    @Test
    void streamsAndOtherOutputsKeepTheirOrder() {
        batcher.text("stdout", "a");
        batcher.text("stderr", "b");
        batcher.text("stderr", "c");
        batcher.then(() -> sent.add("display"));
        batcher.text("stdout", "d");
        batcher.flush();
        batcher.flush();
        assertEquals(List.of("stdout:a", "stderr:bc", "display", "stdout:d"), sent);
    }

    @Test
    void aMessageHoldsAtMostMaxChars() {
        String big = "x".repeat(2 * StreamBatcher.MAX_CHARS + 5);
        batcher.text("stdout", "y");
        batcher.text("stdout", big);
        batcher.flush();
        assertEquals(3, sent.size());
        assertTrue(sent.stream().allMatch(m -> m.length() - "stdout:".length() <= StreamBatcher.MAX_CHARS));
        assertEquals("stdout:y" + big, "stdout:" + String.join("", sent.stream().map(m -> m.substring(7)).toList()));
    }
}
