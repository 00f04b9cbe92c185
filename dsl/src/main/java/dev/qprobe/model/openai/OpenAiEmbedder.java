package dev.qprobe.model.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qprobe.model.Embedder;
import java.util.List;

/**
 * Features from an OpenAI-compatible embeddings route: {@code POST {base}/embeddings} with
 * {@code {model, input: [texts]}}, each text being the prompt followed directly by the completion.
 * Texts go in batches of at most {@link #batchSize()} (default 64), one batch after another; the
 * vectors are {@code data[i].embedding}, put in order by {@code data[i].index}.
 *
 * <p>The dimension is fixed when the embedder is made: pass it, or let {@link #probe} ask the
 * server once. Every vector must have that many values, each finite as a float; otherwise the call
 * fails naming the text's position. Retries, limits and the API key are as in {@link OpenAiEndpoint}
 * (whose mode is ignored: requests always go to {@code /embeddings}). Thread-safe.
 */
public final class OpenAiEmbedder implements Embedder {
    private final OpenAiEndpoint endpoint;
    private final OpenAiClient client;
    private final int dim;
    private final int batchSize;

    /**
     * @param endpoint the server and the embedding model
     * @param dim      the model's embedding dimension (e.g. 1536 for text-embedding-3-small)
     */
    public OpenAiEmbedder(OpenAiEndpoint endpoint, int dim) {
        this(endpoint.withMode(OpenAiEndpoint.Mode.EMBEDDINGS), dim, 64);
    }

    private OpenAiEmbedder(OpenAiEndpoint endpoint, int dim, int batchSize) {
        if (dim < 1) {
            throw new IllegalArgumentException("embedding dimension must be >= 1, got " + dim);
        }
        this.endpoint = endpoint;
        this.client = new OpenAiClient(endpoint);
        this.dim = dim;
        this.batchSize = batchSize;
    }

    /**
     * An embedder whose dimension is that of the vector the server returns for one short text.
     *
     * @throws EndpointException when that request fails
     */
    public static OpenAiEmbedder probe(OpenAiEndpoint endpoint) {
        OpenAiEndpoint embeddings = endpoint.withMode(OpenAiEndpoint.Mode.EMBEDDINGS);
        OpenAiClient client = new OpenAiClient(embeddings);
        int dim = client.post(request(embeddings, List.of("dimension probe")), 0,
                response -> vectors(response, 1, -1, 0)[0].length);
        return new OpenAiEmbedder(embeddings, dim, 64);
    }

    /** The same embedder sending at most {@code size} texts per request. */
    public OpenAiEmbedder withBatchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + size);
        }
        return new OpenAiEmbedder(endpoint, dim, size);
    }

    /** {@link OpenAiEndpoint#id()} with mode embeddings: base URL, model, "embeddings". */
    @Override
    public String id() {
        return endpoint.id();
    }

    @Override
    public int dim() {
        return dim;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Embeds {@code prompt + completion} for each completion.
     *
     * @throws EndpointException when a request fails or a vector has the wrong dimension or a
     *                           non-finite value
     */
    @Override
    public float[][] embed(String prompt, List<String> completions) {
        float[][] out = new float[completions.size()][];
        for (int from = 0; from < completions.size(); from += batchSize) {
            int to = Math.min(from + batchSize, completions.size());
            List<String> texts = completions.subList(from, to).stream().map(c -> prompt + c).toList();
            int first = from;
            float[][] batch = client.post(request(endpoint, texts), from,
                    response -> vectors(response, texts.size(), dim, first));
            System.arraycopy(batch, 0, out, from, batch.length);
        }
        return out;
    }

    private static ObjectNode request(OpenAiEndpoint endpoint, List<String> texts) {
        ObjectNode body = OpenAiClient.JSON.createObjectNode();
        body.put("model", endpoint.model());
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        return body;
    }

    /**
     * The {@code count} vectors of a response in index order, each of {@code dim} finite floats
     * ({@code dim} < 0: the first vector's length); {@code first} numbers them in messages.
     */
    private static float[][] vectors(JsonNode response, int count, int dim, int first) {
        JsonNode data = response.path("data");
        if (!data.isArray()) {
            throw new OpenAiClient.BadResponse("the response has no \"data\" array");
        }
        if (data.size() != count) {
            throw new OpenAiClient.BadResponse("sent " + count + " texts, got " + data.size() + " embeddings");
        }
        float[][] out = new float[count][];
        int expected = dim;
        for (int i = 0; i < count; i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").isInt() ? item.path("index").asInt() : i;
            if (index < 0 || index >= count || out[index] != null) {
                throw new OpenAiClient.BadResponse("embedding indices are not 0.." + (count - 1)
                        + " each once (index " + index + " at " + i + ")");
            }
            JsonNode values = item.path("embedding");
            int text = first + index;
            if (!values.isArray() || values.isEmpty()) {
                throw new OpenAiClient.BadResponse("text " + text + " has no embedding array"
                        + " (base64 embeddings are not supported)");
            }
            if (expected < 0) {
                expected = values.size();
            }
            if (values.size() != expected) {
                throw new OpenAiClient.BadResponse("text " + text + " has an embedding of dimension " + values.size()
                        + ", expected " + expected);
            }
            float[] v = new float[expected];
            for (int j = 0; j < expected; j++) {
                JsonNode x = values.get(j);
                v[j] = (float) x.asDouble(Double.NaN);
                if (!x.isNumber() || !Float.isFinite(v[j])) {
                    throw new OpenAiClient.BadResponse("text " + text + " has a non-finite or non-numeric value "
                            + x + " at position " + j + " of its embedding");
                }
            }
            out[index] = v;
        }
        return out;
    }
}
