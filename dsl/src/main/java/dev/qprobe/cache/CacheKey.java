package dev.qprobe.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.Task;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Describes everything that produced some cached data, as named string values (for example
 * {@code "sampler" -> sampler.id()}, {@code "task" -> task.name()}, {@code "k" -> "48"}). Two runs
 * share cached data exactly when their keys are equal, so a key must name every input that changes
 * the data, and a changed input (a new model, a changed reward function) must change some value.
 *
 * <p>Entries keep the order they were given in, for display, but order does not matter: keys with
 * the same entries are equal and have the same {@link #digest()}.
 *
 * <p>A key is written in plain text next to the data, so it must never hold secrets such as API keys
 * or authorization headers. Entries whose name looks like one ({@code api_key}, {@code apiKey},
 * {@code Authorization}, {@code password}, ...) are rejected; other secrets are the caller's duty.
 */
public final class CacheKey {
    // Names reduced to lower-case letters and digits that must not appear in an entry name.
    private static final String[] SECRET_NAMES = {"apikey", "authorization", "password", "secret", "accesstoken"};
    private static final byte[] DIGEST_DOMAIN = "qprobe-cache-key/1".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> entries;

    private CacheKey(Map<String, String> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * A key from alternating names and values: {@code of("sampler", "gpt2", "k", "48")}.
     *
     * @throws IllegalArgumentException on an odd count, a repeated or empty name, a secret-like name
     *                                  or text that is not valid Unicode (an unpaired surrogate)
     */
    public static CacheKey of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("CacheKey.of takes names and values in pairs, got "
                    + namesAndValues.length + " strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = checkName(namesAndValues[i]);
            if (map.put(name, checkValue(name, namesAndValues[i + 1])) != null) {
                throw new IllegalArgumentException("cache key entry \"" + name + "\" is given twice");
            }
        }
        return new CacheKey(map);
    }

    /**
     * The key of {@code config.k()} samples per prompt of {@code task}, drawn by {@code sampler}, with
     * their rewards: entries {@code sampler, task, k, temperature, topP, maxTokens, stop, seed}.
     */
    public static CacheKey sampling(Sampler sampler, Task task, SamplingConfig config) {
        String stop;
        try {
            stop = JSON.writeValueAsString(config.stop());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode stop strings " + config.stop(), e);
        }
        return of("sampler", sampler.id(), "task", task.name(),
                "k", Integer.toString(config.k()),
                "temperature", Double.toString(config.temperature()),
                "topP", Double.toString(config.topP()),
                "maxTokens", Integer.toString(config.maxTokens()),
                "stop", stop,
                "seed", Long.toString(config.seed()));
    }

    /**
     * This key with entry {@code name} set to {@code value}: replaced in place if present, added last
     * otherwise.
     *
     * @throws IllegalArgumentException as {@link #of}
     */
    public CacheKey with(String name, String value) {
        Map<String, String> map = new LinkedHashMap<>(entries);
        map.put(checkName(name), checkValue(name, value));
        return new CacheKey(map);
    }

    /** The entries, unmodifiable, in the order they were given. */
    public Map<String, String> entries() {
        return entries;
    }

    /**
     * SHA-256, as 64 lower-case hex digits, of the entries sorted by name, each name and value
     * length-prefixed so that no two different keys encode alike. Stable across runs and versions.
     */
    public String digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        update(sha, DIGEST_DOMAIN);
        sha.update(ByteBuffer.allocate(4).putInt(entries.size()).array());
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            update(sha, e.getKey().getBytes(StandardCharsets.UTF_8));
            update(sha, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException if {@code json} is not one object of string values
     */
    static Map<String, String> parseJson(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException("entry \"" + field.getKey() + "\" is not a string");
            }
            map.put(field.getKey(), field.getValue().textValue());
        }
        return map;
    }

    /** The entries as a JSON object, in their order. */
    String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entries) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cache key " + entries, e);
        }
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "cache key entry name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("cache key entry names must not be empty");
        }
        checkUnicode(name, name);
        String plain = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (String secret : SECRET_NAMES) {
            if (plain.contains(secret)) {
                throw new IllegalArgumentException("cache key entry \"" + name + "\" looks like a secret; keys are "
                        + "written in plain text next to the cache, so they must not hold credentials");
            }
        }
        return name;
    }

    private static String checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of cache key entry \"" + name + "\"");
        checkUnicode(name, value);
        return value;
    }

    // An unpaired surrogate would be encoded as '?', so two different keys could share a digest.
    private static void checkUnicode(String name, String text) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException("cache key entry \"" + name + "\" is not valid Unicode "
                    + "(it holds an unpaired surrogate)");
        }
    }

    /** Equal when the entries are equal, whatever their order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "CacheKey" + entries;
    }
}
