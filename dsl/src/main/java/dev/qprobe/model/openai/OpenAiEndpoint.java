package dev.qprobe.model.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where and how to reach an OpenAI-compatible HTTP API (OpenAI, vLLM, llama.cpp server, Ollama,
 * TGI): the base URL, the model, which route to use, where the API key comes from, and the limits
 * on time, retries and parallel requests. Immutable; every {@code with...} returns a copy.
 *
 * <p>The API key is never stored here: it is read from the environment variable named by
 * {@link #apiKeyEnv()} (default {@code OPENAI_API_KEY}) each time a request is built. When the
 * variable is unset or empty, requests carry no {@code Authorization} header, which is what local
 * servers expect. Only the variable's name ever appears in {@link #id()}, {@link #toString()} or
 * error messages.
 */
public final class OpenAiEndpoint {

    /** Which route of the API to call. */
    public enum Mode {
        /** {@code POST {base}/completions} with a {@code prompt}. */
        COMPLETIONS("completions"),
        /** {@code POST {base}/chat/completions} with the prompt as one user message. */
        CHAT("chat/completions"),
        /** {@code POST {base}/embeddings}. */
        EMBEDDINGS("embeddings");

        private final String path;

        Mode(String path) {
            this.path = path;
        }

        /** The route below the base URL, without a leading slash. */
        public String path() {
            return path;
        }
    }

    /** The environment variable the API key is read from unless another is named. */
    public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";

    private final String baseUrl;
    private final String model;
    private final Mode mode;
    private final String apiKeyEnv;
    private final Function<String, String> env;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxConcurrentRequests;
    private final int maxNPerRequest;

    private OpenAiEndpoint(String baseUrl, String model, Mode mode, String apiKeyEnv, Function<String, String> env,
                           Duration requestTimeout, Duration connectTimeout, int maxRetries, Duration initialBackoff,
                           Duration maxBackoff, int maxConcurrentRequests, int maxNPerRequest) {
        this.baseUrl = baseUrl;
        this.model = model;
        this.mode = mode;
        this.apiKeyEnv = apiKeyEnv;
        this.env = env;
        this.requestTimeout = requestTimeout;
        this.connectTimeout = connectTimeout;
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxConcurrentRequests = maxConcurrentRequests;
        this.maxNPerRequest = maxNPerRequest;
    }

    /**
     * An endpoint with the defaults: mode {@link Mode#COMPLETIONS}, key from {@code OPENAI_API_KEY},
     * request timeout 60 s, connect timeout 10 s, 5 retries with backoff from 0.5 s doubling up to
     * 30 s, 8 concurrent requests, at most 16 completions ({@code n}) per request.
     *
     * @param baseUrl the API root, such as {@code http://localhost:8000/v1} or
     *                {@code https://api.openai.com/v1}, with or without a trailing slash
     * @param model   the model name the server knows
     * @throws IllegalArgumentException when the URL is not an absolute http or https URL with a host,
     *                                  or the model name is blank
     */
    public static OpenAiEndpoint of(String baseUrl, String model) {
        return new OpenAiEndpoint(checkBaseUrl(baseUrl), checkModel(model), Mode.COMPLETIONS, DEFAULT_API_KEY_ENV,
                System::getenv, Duration.ofSeconds(60), Duration.ofSeconds(10), 5, Duration.ofMillis(500),
                Duration.ofSeconds(30), 8, 16);
    }

    /** The route to call; a sampler takes {@link Mode#COMPLETIONS} or {@link Mode#CHAT}. */
    public OpenAiEndpoint withMode(Mode v) {
        return new OpenAiEndpoint(baseUrl, model, Objects.requireNonNull(v, "mode"), apiKeyEnv, env, requestTimeout,
                connectTimeout, maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests, maxNPerRequest);
    }

    /** Another model on the same server. */
    public OpenAiEndpoint withModel(String v) {
        return new OpenAiEndpoint(baseUrl, checkModel(v), mode, apiKeyEnv, env, requestTimeout, connectTimeout,
                maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests, maxNPerRequest);
    }

    /** The NAME of the environment variable holding the API key (not the key itself). */
    public OpenAiEndpoint withApiKeyEnv(String variableName) {
        if (variableName == null || variableName.isBlank()) {
            throw new IllegalArgumentException("the API key's environment variable name must not be blank");
        }
        return new OpenAiEndpoint(baseUrl, model, mode, variableName, env, requestTimeout, connectTimeout,
                maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests, maxNPerRequest);
    }

    /** Where environment variables are looked up (default {@code System::getenv}); for tests. */
    public OpenAiEndpoint withEnv(Function<String, String> v) {
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, Objects.requireNonNull(v, "env"),
                requestTimeout, connectTimeout, maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests,
                maxNPerRequest);
    }

    /** How long one attempt may wait for the whole response, body included (default 60 s). */
    public OpenAiEndpoint withRequestTimeout(Duration v) {
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, positive(v, "request timeout"),
                connectTimeout, maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests, maxNPerRequest);
    }

    /** How long opening a connection may take (default 10 s). */
    public OpenAiEndpoint withConnectTimeout(Duration v) {
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, requestTimeout,
                positive(v, "connect timeout"), maxRetries, initialBackoff, maxBackoff, maxConcurrentRequests,
                maxNPerRequest);
    }

    /** Retries after the first attempt of a request (default 5, so at most 6 attempts); 0 for none. */
    public OpenAiEndpoint withMaxRetries(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("max retries must be >= 0, got " + v);
        }
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, requestTimeout, connectTimeout, v,
                initialBackoff, maxBackoff, maxConcurrentRequests, maxNPerRequest);
    }

    /**
     * The wait before the first retry (default 0.5 s), doubling with every further retry, and the
     * most any wait may be, a server's {@code Retry-After} included (default 30 s).
     */
    public OpenAiEndpoint withBackoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial backoff");
        Objects.requireNonNull(max, "max backoff");
        if (initial.isNegative() || max.isNegative() || initial.compareTo(max) > 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got initial " + initial
                    + " and max " + max);
        }
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, requestTimeout, connectTimeout, maxRetries,
                initial, max, maxConcurrentRequests, maxNPerRequest);
    }

    /** The most requests in flight at once from one sampler or embedder, over all its callers (default 8). */
    public OpenAiEndpoint withMaxConcurrentRequests(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("max concurrent requests must be >= 1, got " + v);
        }
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, requestTimeout, connectTimeout, maxRetries,
                initialBackoff, maxBackoff, v, maxNPerRequest);
    }

    /**
     * The most completions asked for in one request (the {@code n} field, default 16); a larger k is
     * split over several requests. Use 1 for servers that ignore {@code n}.
     */
    public OpenAiEndpoint withMaxNPerRequest(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("max n per request must be >= 1, got " + v);
        }
        return new OpenAiEndpoint(baseUrl, model, mode, apiKeyEnv, env, requestTimeout, connectTimeout, maxRetries,
                initialBackoff, maxBackoff, maxConcurrentRequests, v);
    }

    /** The base URL without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    public String model() {
        return model;
    }

    public Mode mode() {
        return mode;
    }

    /** The name of the environment variable the API key is read from. */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    public int maxNPerRequest() {
        return maxNPerRequest;
    }

    /**
     * Identifies the server, model and route for cache keys and provenance:
     * {@code "openai:" + baseUrl + "#" + model + "#" + mode}, mode in lower case. Holds no key.
     */
    public String id() {
        return "openai:" + baseUrl + "#" + model + "#" + mode.name().toLowerCase(Locale.ROOT);
    }

    /** The URL of this endpoint's route. */
    public String url() {
        return baseUrl + "/" + mode.path();
    }

    @Override
    public String toString() {
        return "OpenAiEndpoint[" + url() + ", model=" + model + ", key from $" + apiKeyEnv
                + ", requestTimeout=" + requestTimeout + ", connectTimeout=" + connectTimeout
                + ", maxRetries=" + maxRetries + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", maxNPerRequest=" + maxNPerRequest + "]";
    }

    /** The API key, or null when the variable is unset or empty. Never to be put in any message. */
    String apiKey() {
        String key = env.apply(apiKeyEnv);
        return key == null || key.isBlank() ? null : key.strip();
    }

    /** {@code text} with every occurrence of the API key masked, for text that came from a server. */
    String redact(String text) {
        String key = apiKey();
        return key == null || text == null ? text : text.replace(key, "***");
    }

    private static String checkBaseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the base URL must not be blank; expected e.g. http://localhost:8000/v1");
        }
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base URL \"" + url + "\" is not a valid URL: " + e.getReason()
                    + "; expected e.g. http://localhost:8000/v1", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("base URL \"" + url + "\" must start with http:// or https://,"
                    + " e.g. http://localhost:8000/v1");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("base URL \"" + url + "\" has no host;"
                    + " expected e.g. http://localhost:8000/v1");
        }
        if (uri.getRawUserInfo() != null) {
            // It would end up in ids, cache keys and messages.
            throw new IllegalArgumentException("base URL must not hold credentials (user:password@);"
                    + " put the API key in an environment variable instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("base URL \"" + url + "\" must not have a query or fragment");
        }
        return trimmed;
    }

    private static String checkModel(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("the model name must not be blank");
        }
        return model;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + d);
        }
        return d;
    }
}
