package dev.qprobe.model.builtin;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in causal transformer on DJL (PyTorch engine): token and position embeddings,
 * pre-LayerNorm blocks of causal self-attention and a GELU MLP, a final LayerNorm, and output
 * logits through the transposed token embedding.
 *
 * <p>Memory: every method takes a {@code scope} manager and attaches what it creates to it, so the
 * caller frees a whole forward pass by closing the scope. Operations are written with an
 * activation (never a parameter) as the first operand, because DJL attaches a result to the
 * manager of its first operand.
 */
public final class TinyGpt implements AutoCloseable {
    private static final float NEG_INF = -1e9f;

    private final GptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();

    private TinyGpt(GptConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
    }

    /** Loads weights onto {@code device}. */
    public static TinyGpt load(GptWeights weights, Device device) {
        dev.qprobe.model.TorchThreads.configure(); // thread pools sized before the first tensor
        GptConfig config = weights.config();
        TinyGpt model = new TinyGpt(config, NDManager.newBaseManager(device));
        for (Map.Entry<String, long[]> e : GptWeights.names(config).entrySet()) {
            model.params.put(e.getKey(), model.manager.create(weights.tensor(e.getKey()), new Shape(e.getValue())));
        }
        return model;
    }

    public GptConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The live parameters, by name (for training). */
    Map<String, NDArray> parameters() {
        return params;
    }

    /** Copies the current parameters back to Java arrays. */
    public GptWeights weights() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        params.forEach((name, p) -> tensors.put(name, p.toFloatArray()));
        return GptWeights.of(config, tensors);
    }

    /** The output of a forward pass over a [B, T] batch. */
    public record Output(NDArray logits, List<NDArray> hidden) {
    }

    /**
     * A forward pass without a cache. {@code hidden.get(l)} is the residual stream after block l
     * ([B, T, d]); it is collected only when {@code keepHidden}.
     */
    public Output forward(NDManager scope, int[][] tokens, boolean keepHidden) {
        int t = tokens[0].length;
        NDArray x = embed(scope, tokens, 0);
        NDArray mask = causalMask(scope, 0, t);
        List<NDArray> hidden = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            x = block(scope, l, x, mask, null);
            if (keepHidden) {
                hidden.add(x);
            }
        }
        return new Output(logits(scope, x), hidden);
    }

    /** Keys and values of every layer for the positions processed so far, shape [B, H, T, hd]. */
    public static final class KvCache {
        private final NDArray[] keys;
        private final NDArray[] values;
        private int length;

        KvCache(int layers) {
            keys = new NDArray[layers];
            values = new NDArray[layers];
        }

        /** Positions held. */
        public int length() {
            return length;
        }
    }

    public KvCache newCache() {
        return new KvCache(config.layers());
    }

    /**
     * Processes {@code tokens} ([B, T_new]) at positions cache.length() onward, extending the
     * cache, and returns the logits of the last new position, [B, V]. Only the new positions are
     * computed; earlier keys and values come from the cache.
     */
    public NDArray step(NDManager scope, KvCache cache, int[][] tokens) {
        int start = cache.length;
        int tNew = tokens[0].length;
        if (start + tNew > config.context()) {
            throw new IllegalArgumentException("sequence of " + (start + tNew) + " tokens exceeds the context of "
                    + config.context());
        }
        NDArray last;
        try (NDManager work = scope.newSubManager()) {
            NDArray x = embed(work, tokens, start);
            NDArray mask = causalMask(work, start, tNew);
            for (int l = 0; l < config.layers(); l++) {
                x = block(work, l, x, mask, cache);
            }
            NDArray lastHidden = x.get(":, -1:, :");
            last = logits(work, lastHidden).squeeze(1);
            last.attach(scope);
            for (int l = 0; l < config.layers(); l++) {
                cache.keys[l].attach(scope);
                cache.values[l].attach(scope);
            }
        }
        cache.length = start + tNew;
        return last;
    }

    private NDArray embed(NDManager scope, int[][] tokens, int start) {
        int b = tokens.length;
        int t = tokens[0].length;
        int[] flat = new int[b * t];
        int[] positions = new int[t];
        for (int i = 0; i < b; i++) {
            if (tokens[i].length != t) {
                throw new IllegalArgumentException("ragged batch: row " + i + " has " + tokens[i].length
                        + " tokens, row 0 has " + t);
            }
            System.arraycopy(tokens[i], 0, flat, i * t, t);
        }
        for (int j = 0; j < t; j++) {
            positions[j] = start + j;
        }
        // One-hot products instead of gathers keep the scope array as the first operand.
        NDArray tok = scope.create(flat, new Shape(b, t)).oneHot(config.vocab()).toType(DataType.FLOAT32, false)
                .matMul(params.get("tok_emb"));
        NDArray pos = scope.create(positions).oneHot(config.context()).toType(DataType.FLOAT32, false)
                .matMul(params.get("pos_emb"));
        return tok.add(pos);
    }

    /** Additive mask for new positions start..start+tNew-1 over keys 0..start+tNew-1. */
    private static NDArray causalMask(NDManager scope, int start, int tNew) {
        int total = start + tNew;
        float[] mask = new float[tNew * total];
        for (int i = 0; i < tNew; i++) {
            for (int j = start + i + 1; j < total; j++) {
                mask[i * total + j] = NEG_INF;
            }
        }
        return scope.create(mask, new Shape(tNew, total));
    }

    private NDArray block(NDManager scope, int layer, NDArray x, NDArray mask, KvCache cache) {
        String p = "h" + layer + ".";
        NDArray attended = attention(scope, layer, layerNorm(x, p + "ln1_g", p + "ln1_b"), mask, cache);
        x = x.add(attended);
        NDArray h = layerNorm(x, p + "ln2_g", p + "ln2_b");
        NDArray ff = Activation.gelu(h.matMul(params.get(p + "w_ff1")).add(params.get(p + "b_ff1")))
                .matMul(params.get(p + "w_ff2")).add(params.get(p + "b_ff2"));
        return x.add(ff);
    }

    private NDArray attention(NDManager scope, int layer, NDArray x, NDArray mask, KvCache cache) {
        String p = "h" + layer + ".";
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = config.heads();
        int hd = config.headDim();
        NDList qkv = x.matMul(params.get(p + "w_qkv")).add(params.get(p + "b_qkv")).split(3, 2);
        NDArray q = qkv.get(0).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray k = qkv.get(1).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        if (cache != null) {
            // Buffers for the whole context, written in place: concatenating old and new keys at
            // every step copied the whole cache each time (a quarter of sampling's time, by JFR).
            if (cache.keys[layer] == null) {
                cache.keys[layer] = scope.zeros(new Shape(b, heads, config.context(), hd));
                cache.values[layer] = scope.zeros(new Shape(b, heads, config.context(), hd));
            }
            NDIndex fresh = new NDIndex(":, :, {}:{}", cache.length, cache.length + t);
            cache.keys[layer].set(fresh, k);
            cache.values[layer].set(fresh, v);
            NDIndex filled = new NDIndex(":, :, :{}", cache.length + t);
            k = cache.keys[layer].get(filled);
            v = cache.values[layer].get(filled);
            k.attach(scope);  // views into the buffers, freed with this step
            v.attach(scope);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(hd)).add(mask);
        NDArray out = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.dModel());
        return out.matMul(params.get(p + "w_o")).add(params.get(p + "b_o"));
    }

    private NDArray layerNorm(NDArray x, String gain, String bias) {
        NDArray centered = x.sub(x.mean(new int[] {-1}, true));
        NDArray variance = centered.square().mean(new int[] {-1}, true);
        return centered.div(variance.add(1e-5f).sqrt()).mul(params.get(gain)).add(params.get(bias));
    }

    private NDArray logits(NDManager scope, NDArray x) {
        NDArray h = layerNorm(x, "lnf_g", "lnf_b");
        NDArray embT = params.get("tok_emb").transpose();
        embT.attach(scope);
        return h.matMul(embT);
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "TinyGpt" + Arrays.asList(config.layers() + " layers", "d=" + config.dModel(),
                config.parameterCount() + " parameters", "on " + device());
    }
}
