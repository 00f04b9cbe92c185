package dev.qprobe.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Samples completions from an OpenAI-compatible server, through {@code POST {base}/completions}
 * (mode {@link OpenAiEndpoint.Mode#COMPLETIONS}) or {@code POST {base}/chat/completions} with the
 * prompt as one user message (mode {@link OpenAiEndpoint.Mode#CHAT}). Each request carries
 * {@code model, n, temperature, top_p, max_tokens, seed} and {@code stop} (left out when the
 * config has no stop strings).
 *
 * <p><b>Splitting k.</b> The k completions are asked for in requests of at most
 * {@link OpenAiEndpoint#maxNPerRequest()} each, sent concurrently. The request whose completions
 * start at position {@code offset} of the k carries {@code seed = config.seed + offset}, so every
 * request has its own seed and a request's seed does not depend on how the others were split.
 * When the server answers 400 with an error about {@code n} (such as "n must be <= 4"), that
 * request is split into requests of the largest power of two below its n, and the lower limit is
 * kept for later calls ({@link #maxNPerRequest()}). The completions come back in a fixed order:
 * by offset, then by each response's choice index.
 *
 * <p><b>Completions.</b> The text is {@code choices[i].text} (completions) or
 * {@code choices[i].message.content} (chat). {@code finish_reason} "length" means the length limit
 * ended it ({@code stopped = false}); any other reason ("stop", or a server's own word for an end
 * token) counts as stopped. Servers report tokens only as {@code usage.completion_tokens} summed
 * over a response's choices, so each choice that hit the length limit is given
 * {@code max_tokens}, and the rest of the sum is shared evenly by the others (a remainder going to
 * the first ones); when that does not add up, the sum is shared evenly by all; without
 * {@code usage}, token counts are 0.
 *
 * <p><b>Failures</b> are {@link EndpointException}s: see {@link OpenAiEndpoint} for retries and
 * limits. A well-formed response of the wrong shape (no {@code choices}, fewer or more choices than
 * asked for, a choice without text) fails at once, naming the URL and what is missing.
 *
 * <p>Thread-safe: several threads may call {@link #sample} at once; at most
 * {@link OpenAiEndpoint#maxConcurrentRequests()} requests of this sampler are in flight at any time.
 */
public final class OpenAiSampler implements Sampler {
    // An error about the n parameter: "n must be <= 4", "'n' must be at most 8", "Invalid value for n".
    private static final Pattern N_ERROR = Pattern.compile("(^|[^A-Za-z0-9_])n($|[^A-Za-z0-9_])");

    private final OpenAiEndpoint endpoint;
    private final OpenAiClient client;
    private final AtomicInteger maxN;
    private final ExecutorService pool;

    /**
     * @param endpoint the server, model and mode ({@link OpenAiEndpoint.Mode#COMPLETIONS} or
     *                 {@link OpenAiEndpoint.Mode#CHAT})
     */
    public OpenAiSampler(OpenAiEndpoint endpoint) {
        if (endpoint.mode() == OpenAiEndpoint.Mode.EMBEDDINGS) {
            throw new IllegalArgumentException("a sampler needs mode COMPLETIONS or CHAT, not EMBEDDINGS: " + endpoint);
        }
        this.endpoint = endpoint;
        this.client = new OpenAiClient(endpoint);
        this.maxN = new AtomicInteger(endpoint.maxNPerRequest());
        // Threads only wait on requests, which the client's semaphore bounds; idle ones go after 60 s.
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "qprobe-openai-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link OpenAiEndpoint#id()}: base URL, model and mode. */
    @Override
    public String id() {
        return endpoint.id();
    }

    public OpenAiEndpoint endpoint() {
        return endpoint;
    }

    /** The most completions asked for per request now: the configured limit, or lower once the server refused it. */
    public int maxNPerRequest() {
        return maxN.get();
    }

    /**
     * Draws {@code config.k()} completions of {@code prompt}.
     *
     * @throws EndpointException when a request fails for good
     */
    @Override
    public List<Completion> sample(String prompt, SamplingConfig config) {
        Objects.requireNonNull(prompt, "prompt");
        int k = config.k();
        int per = maxN.get();
        if (k <= per) {
            return fetch(prompt, config, 0, k);
        }
        List<Future<List<Completion>>> parts = new ArrayList<>();
        try {
            for (int offset = 0; offset < k; offset += per) {
                int start = offset;
                int count = Math.min(per, k - offset);
                parts.add(pool.submit(() -> fetch(prompt, config, start, count)));
            }
            List<Completion> all = new ArrayList<>(k);
            for (Future<List<Completion>> part : parts) {
                all.addAll(part.get());
            }
            return List.copyOf(all);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EndpointException("interrupted while sampling from " + client.url(), client.url(), 0, 0, "", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } finally {
            // After a failure, the other parts' results are of no use.
            parts.forEach(p -> p.cancel(true));
        }
    }

    /** Completions {@code offset .. offset+count-1} of the k, splitting further when the server refuses n. */
    private List<Completion> fetch(String prompt, SamplingConfig config, int offset, int count) {
        try {
            return client.post(request(prompt, config, offset, count), config.seed() + offset + 31L * prompt.hashCode(),
                    response -> completions(response, count, config.maxTokens()));
        } catch (EndpointException e) {
            if (count == 1 || e.status() != 400 || !N_ERROR.matcher(e.serverMessage()).find()) {
                throw e;
            }
            int lower = Integer.highestOneBit(count - 1);
            int per = maxN.accumulateAndGet(lower, Math::min);
            List<Completion> all = new ArrayList<>(count);
            for (int start = offset; start < offset + count; start += per) {
                all.addAll(fetch(prompt, config, start, Math.min(per, offset + count - start)));
            }
            return all;
        }
    }

    private ObjectNode request(String prompt, SamplingConfig config, int offset, int count) {
        ObjectNode body = OpenAiClient.JSON.createObjectNode();
        body.put("model", endpoint.model());
        if (endpoint.mode() == OpenAiEndpoint.Mode.CHAT) {
            ArrayNode messages = body.putArray("messages");
            messages.addObject().put("role", "user").put("content", prompt);
        } else {
            body.put("prompt", prompt);
        }
        body.put("n", count);
        body.put("temperature", config.temperature());
        body.put("top_p", config.topP());
        body.put("max_tokens", config.maxTokens());
        if (!config.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            config.stop().forEach(stop::add);
        }
        body.put("seed", config.seed() + offset);
        return body;
    }

    private List<Completion> completions(JsonNode response, int count, int maxTokens) {
        JsonNode choices = response.path("choices");
        if (!choices.isArray()) {
            throw shape("the response has no \"choices\" array");
        }
        if (choices.size() != count) {
            throw shape("asked for n=" + count + " choices, got " + choices.size()
                    + (choices.size() < count ? " (if this server ignores n, use withMaxNPerRequest(1))" : ""));
        }
        String[] texts = new String[count];
        boolean[] stopped = new boolean[count];
        for (int i = 0; i < count; i++) {
            JsonNode choice = choices.get(i);
            // Choice indices order the choices; servers that leave them out are taken in array order.
            int index = choice.path("index").isInt() ? choice.path("index").asInt() : i;
            if (index < 0 || index >= count || texts[index] != null) {
                throw shape("choice indices are not 0.." + (count - 1) + " each once (index " + index + " at " + i + ")");
            }
            JsonNode text = endpoint.mode() == OpenAiEndpoint.Mode.CHAT
                    ? choice.path("message").path("content") : choice.path("text");
            if (!text.isTextual()) {
                String found = text.isMissingNode() ? "nothing" : text.getNodeType().toString().toLowerCase(Locale.ROOT);
                throw shape("choice " + index + " has no text in "
                        + (endpoint.mode() == OpenAiEndpoint.Mode.CHAT ? "message.content" : "text")
                        + " (found " + found + ")");
            }
            texts[index] = text.asText();
            stopped[index] = !"length".equals(choice.path("finish_reason").asText(""));
        }
        JsonNode used = response.path("usage").path("completion_tokens");
        int[] tokens = used.canConvertToInt() && used.asInt() >= 0
                ? tokens(used.asInt(), stopped, maxTokens) : new int[count];
        List<Completion> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Completion(texts[i], tokens[i], stopped[i]));
        }
        return out;
    }

    /** Shares a response's total completion tokens over its choices, as the class comment describes. */
    static int[] tokens(int total, boolean[] stopped, int maxTokens) {
        int n = stopped.length;
        int[] out = new int[n];
        int atLimit = 0;
        for (boolean s : stopped) {
            atLimit += s ? 0 : 1;
        }
        long rest = total - (long) atLimit * maxTokens;
        int others = n - atLimit;
        if (atLimit > 0 && rest >= 0 && (others > 0 || rest == 0)) {
            for (int i = 0, j = 0; i < n; i++) {
                out[i] = stopped[i] ? (int) (rest / others + (j++ < rest % others ? 1 : 0)) : maxTokens;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = total / n + (i < total % n ? 1 : 0);
            }
        }
        return out;
    }

    private static OpenAiClient.BadResponse shape(String what) {
        return new OpenAiClient.BadResponse(what);
    }
}
