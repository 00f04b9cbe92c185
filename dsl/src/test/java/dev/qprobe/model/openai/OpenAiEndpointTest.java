package dev.qprobe.model.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiEndpointTest {
    private static final String KEY = "sk-fake-ENDPOINT-91b2e0";

    @Test
    void normalisesTheBaseUrlAndBuildsTheId() {
        OpenAiEndpoint a = OpenAiEndpoint.of("http://localhost:8000/v1/", "llama");
        OpenAiEndpoint b = OpenAiEndpoint.of("http://localhost:8000/v1", "llama");
        assertEquals("http://localhost:8000/v1", a.baseUrl());
        assertEquals(a.id(), b.id());
        assertEquals("openai:http://localhost:8000/v1#llama#completions", a.id());
        assertEquals("openai:http://localhost:8000/v1#llama#chat", a.withMode(OpenAiEndpoint.Mode.CHAT).id());
        assertEquals("http://localhost:8000/v1/chat/completions", a.withMode(OpenAiEndpoint.Mode.CHAT).url());
        assertEquals("https://api.openai.com/v1/embeddings",
                OpenAiEndpoint.of("https://api.openai.com/v1", "e").withMode(OpenAiEndpoint.Mode.EMBEDDINGS).url());
    }

    @Test
    void hasTheDocumentedDefaults() {
        OpenAiEndpoint e = OpenAiEndpoint.of("http://h/v1", "m");
        assertEquals(OpenAiEndpoint.Mode.COMPLETIONS, e.mode());
        assertEquals("OPENAI_API_KEY", e.apiKeyEnv());
        assertEquals(Duration.ofSeconds(60), e.requestTimeout());
        assertEquals(5, e.maxRetries());
        assertEquals(Duration.ofMillis(500), e.initialBackoff());
        assertEquals(Duration.ofSeconds(30), e.maxBackoff());
        assertEquals(8, e.maxConcurrentRequests());
        assertEquals(16, e.maxNPerRequest());
    }

    @Test
    void rejectsWhatIsNotAnHttpUrl() {
        for (String url : new String[] {"ftp://h/v1", "localhost:8000/v1", "not a url", "http:///v1", "", "file:/tmp/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OpenAiEndpoint.of(url, "m"), url);
            assertTrue(e.getMessage().contains("http"), e.getMessage());
        }
        IllegalArgumentException creds = assertThrows(IllegalArgumentException.class,
                () -> OpenAiEndpoint.of("http://me:" + KEY + "@h/v1", "m"));
        assertFalse(creds.getMessage().contains(KEY), creds.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenAiEndpoint.of("http://h/v1", " "));
        assertThrows(IllegalArgumentException.class, () -> OpenAiEndpoint.of("http://h/v1", "m").withMaxRetries(-1));
        assertThrows(IllegalArgumentException.class,
                () -> OpenAiEndpoint.of("http://h/v1", "m").withRequestTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> OpenAiEndpoint.of("http://h/v1", "m").withMaxConcurrentRequests(0));
        assertThrows(IllegalArgumentException.class,
                () -> new OpenAiSampler(OpenAiEndpoint.of("http://h/v1", "m").withMode(OpenAiEndpoint.Mode.EMBEDDINGS)));
    }

    @Test
    void readsTheKeyFromTheNamedVariableAndNeverShowsIt() {
        OpenAiEndpoint e = OpenAiEndpoint.of("http://h/v1", "m").withApiKeyEnv("MY_KEY")
                .withEnv(Map.of("MY_KEY", KEY)::get);
        assertEquals(KEY, e.apiKey());
        assertNull(e.withApiKeyEnv("OTHER").apiKey());
        assertEquals("error: Bearer ***", e.redact("error: Bearer " + KEY));
        for (String text : new String[] {e.toString(), e.id(), new OpenAiSampler(e).id(), new OpenAiEmbedder(e, 2).id()}) {
            assertFalse(text.contains(KEY), text);
        }
        assertTrue(e.toString().contains("MY_KEY"), e.toString());
    }

    @Test
    void readsRetryAfterAsSecondsOrDate() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertEquals(Optional.of(Duration.ofSeconds(1)), OpenAiClient.retryAfter("1", now));
        assertEquals(Optional.of(Duration.ofMillis(1500)), OpenAiClient.retryAfter(" 1.5 ", now));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(7).atOffset(ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(7)), OpenAiClient.retryAfter(date, now));
        assertEquals(Optional.of(Duration.ZERO), OpenAiClient.retryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now));
        assertEquals(Optional.empty(), OpenAiClient.retryAfter("soon", now));
        assertEquals(Optional.empty(), OpenAiClient.retryAfter("-3", now));
    }

    @Test
    void backoffDoublesWithSeededJitterUpToTheCap() {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(1);
        for (int attempt = 1; attempt <= 3; attempt++) {
            long full = 100L << (attempt - 1);
            long ms = OpenAiClient.delay(attempt, null, 7, initial, max).toMillis();
            assertTrue(ms >= full / 2 && ms <= full, "attempt " + attempt + ": " + ms + " ms");
        }
        assertEquals(OpenAiClient.delay(2, null, 7, initial, max), OpenAiClient.delay(2, null, 7, initial, max));
        assertTrue(OpenAiClient.delay(30, null, 7, initial, max).compareTo(max) <= 0);
        assertEquals(max, OpenAiClient.delay(1, Duration.ofMinutes(5), 7, initial, max), "Retry-After is capped");
        assertEquals(Duration.ofMillis(300), OpenAiClient.delay(1, Duration.ofMillis(300), 7, initial, max));
    }

    @Test
    void sharesUsageTokensOverChoices() {
        // Two hit the 32-token limit; the other 10 tokens go to the two that stopped.
        assertArrayEquals(new int[] {5, 32, 5, 32}, OpenAiSampler.tokens(74, new boolean[] {true, false, true, false}, 32));
        assertArrayEquals(new int[] {4, 3, 3}, OpenAiSampler.tokens(10, new boolean[] {true, true, true}, 32));
        // Does not add up (a context limit cut one short): shared evenly.
        assertArrayEquals(new int[] {10, 10}, OpenAiSampler.tokens(20, new boolean[] {false, true}, 32));
        assertArrayEquals(new int[] {32, 32}, OpenAiSampler.tokens(64, new boolean[] {false, false}, 32));
    }
}
