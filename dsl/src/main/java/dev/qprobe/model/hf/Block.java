package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** One transformer block: the residual stream in, the residual stream out ([B, T, d]). */
interface Block {

    /**
     * What every block of one forward pass shares: the scope that owns new arrays, the additive
     * causal mask ([T, S], null for a single new position), the RoPE table (null for GPT-2) and
     * the cache (null without one).
     */
    record Pass(NDManager scope, NDArray mask, NDList rope, KvCache cache) {
    }

    NDArray forward(NDArray x, Pass pass);

    /**
     * Scaled dot-product attention with grouped key/value heads and the cache. q is [B, H, T, hd];
     * k and v are this step's [B, kvH, T, hd], appended to the cache first when there is one. Each
     * key/value head serves H / kvH consecutive query heads (as Hugging Face's repeat_kv), done by
     * grouping the query heads instead of copying keys and values. Returns [B, T, H * hd].
     */
    static NDArray attend(int layer, NDArray q, NDArray k, NDArray v, Pass pass, double scale) {
        if (pass.cache() != null) {
            pass.cache().append(layer, k, v);
            k = pass.cache().keys[layer];
            v = pass.cache().values[layer];
        }
        long b = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long t = q.getShape().get(2);
        long hd = q.getShape().get(3);
        long kvHeads = k.getShape().get(1);
        long s = k.getShape().get(2);
        long rep = heads / kvHeads;
        NDArray scores = q.reshape(b, kvHeads, rep * t, hd).matMul(k.transpose(0, 1, 3, 2)).mul(scale);
        if (pass.mask() != null) {
            scores = scores.reshape(b, kvHeads, rep, t, s).add(pass.mask()).reshape(b, kvHeads, rep * t, s);
        }
        DataType type = scores.getDataType();
        NDArray probs = type == DataType.FLOAT32 ? scores.softmax(-1)
                : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(type, false);
        return probs.matMul(v).reshape(b, heads, t, hd).transpose(0, 2, 1, 3).reshape(b, t, heads * hd);
    }

    /** [B, T, heads * hd] to [B, heads, T, hd]. */
    static NDArray splitHeads(NDArray x, long heads) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        return x.reshape(b, t, heads, -1).transpose(0, 2, 1, 3);
    }
}
