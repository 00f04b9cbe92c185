package dev.qprobe.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.model.Completion;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    @Test
    void digestIsSha256OfLengthPrefixedSortedEntries() throws Exception {
        // Built by hand, so that a change to the encoding (which would orphan every cache) shows.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        prefixed(bytes, "qprobe-cache-key/1");
        bytes.write(ByteBuffer.allocate(4).putInt(2).array());
        prefixed(bytes, "a");
        prefixed(bytes, "1");
        prefixed(bytes, "b");
        prefixed(bytes, "ü");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        assertEquals(expected, CacheKey.of("b", "ü", "a", "1").digest());
        assertEquals(64, expected.length());
    }

    private static void prefixed(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
        out.writeBytes(utf8);
    }

    @Test
    void orderOfEntriesDoesNotMatterButIsKeptForDisplay() {
        CacheKey ab = CacheKey.of("a", "1", "b", "2");
        CacheKey ba = CacheKey.of("b", "2", "a", "1");
        assertEquals(ab, ba);
        assertEquals(ab.hashCode(), ba.hashCode());
        assertEquals(ab.digest(), ba.digest());
        assertEquals(List.of("b", "a"), List.copyOf(ba.entries().keySet()));
        assertEquals(ab, CacheKey.of("a", "1").with("b", "2"));
    }

    @Test
    void concatenationCannotCollide() {
        assertNotEquals(CacheKey.of("ab", "c").digest(), CacheKey.of("a", "bc").digest());
        assertNotEquals(CacheKey.of("a", "b", "c", "d").digest(), CacheKey.of("a", "bcd").digest());
        assertNotEquals(CacheKey.of("a", "").digest(), CacheKey.of().digest());
        assertNotEquals(CacheKey.of("k", "48").digest(), CacheKey.of("k", "48 ").digest());
    }

    @Test
    void withReplacesInPlaceOrAppends() {
        CacheKey key = CacheKey.of("a", "1", "b", "2");
        CacheKey replaced = key.with("a", "9");
        assertEquals(List.of("a", "b"), List.copyOf(replaced.entries().keySet()));
        assertEquals("9", replaced.entries().get("a"));
        assertEquals("1", key.entries().get("a"), "the original is unchanged");
        assertEquals(List.of("a", "b", "c"), List.copyOf(key.with("c", "3").entries().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> key.entries().put("x", "y"));
    }

    @Test
    void secretsAreRejected() {
        for (String name : new String[] {"api_key", "apiKey", "API-KEY", "openai_api_key", "Authorization",
                "proxy-authorization", "password", "client_secret", "access_token"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheKey.of(name, "x"),
                    name);
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("secret"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CacheKey.of().with(name, "x"), name);
        }
        // Ordinary names that merely contain "token" are fine.
        CacheKey.of("maxTokens", "64", "tokenizer", "gpt2");
    }

    @Test
    void malformedKeysAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of("a"));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of("a", "1", "a", "2"));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of("", "1"));
        assertThrows(NullPointerException.class, () -> CacheKey.of("a", null));
        assertThrows(NullPointerException.class, () -> CacheKey.of(null, "1"));
        // "\uD800" would encode as "?", colliding with a key whose value is "?".
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of("a", "\uD800"));
    }

    @Test
    void jsonRoundTripsInOrder() {
        CacheKey key = CacheKey.of("z", "line\nbreak \"quoted\" ☃", "a", "");
        Map<String, String> read = CacheKey.parseJson(key.toJson());
        assertEquals(key.entries(), read);
        assertEquals(List.of("z", "a"), List.copyOf(read.keySet()));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parseJson("{\"k\": 48}"));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parseJson("[]"));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parseJson("{\"k\": "));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.parseJson(""));
    }

    @Test
    void samplingKeyNamesEverySetting() {
        Sampler sampler = new Sampler() {
            @Override
            public String id() {
                return "gpt2@abc";
            }

            @Override
            public List<Completion> sample(String prompt, SamplingConfig config) {
                throw new UnsupportedOperationException();
            }
        };
        Task task = new Task() {
            @Override
            public String name() {
                return "arith-v1";
            }

            @Override
            public List<Prompt> trainPrompts() {
                return List.of();
            }

            @Override
            public List<Prompt> testPrompts() {
                return List.of();
            }

            @Override
            public double reward(Prompt prompt, String completion) {
                return 0;
            }
        };
        SamplingConfig config = SamplingConfig.of(48);
        CacheKey key = CacheKey.sampling(sampler, task, config);
        assertEquals(Map.of("sampler", "gpt2@abc", "task", "arith-v1", "k", "48", "temperature", "0.8", "topP", "0.95",
                "maxTokens", "64", "stop", "[\"\\n\"]", "seed", "0"), key.entries());
        for (SamplingConfig other : List.of(config.withK(47), config.withTemperature(0.7), config.withTopP(0.9),
                config.withMaxTokens(65), config.withStop(List.of("\n", ".")), config.withStop(List.of("\n,.")),
                config.withSeed(1))) {
            assertNotEquals(key.digest(), CacheKey.sampling(sampler, task, other).digest(), other.toString());
        }
    }
}
