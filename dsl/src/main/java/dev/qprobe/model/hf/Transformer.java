package dev.qprobe.model.hf;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's decoder on DJL: token (and, for GPT-2, position) embeddings, the blocks, the
 * final norm and the language-model head (tied to the token embeddings or not).
 *
 * <p>Hidden states are numbered as Hugging Face's {@code output_hidden_states}: 0 is the
 * embeddings, i (1..L-1) the output of block i, and L the last block's output after the final
 * norm. Every array a pass creates is attached to the caller's scope; activations are always the
 * first operand so that results land there, not on the weights' manager.
 */
public final class Transformer implements AutoCloseable {
    private final HfConfig config;
    private final NDManager manager;
    private final DataType type;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final NDArray headT;
    private final NDArray finalGain;
    private final NDArray finalBias;
    private final List<Block> blocks = new ArrayList<>();
    private final Rope rope;

    /** Which outputs a pass returns. */
    public enum Logits { ALL, LAST, NONE }

    /** Logits ([B, T, V], [B, V] or null) and the requested hidden states ([B, T, d]; null where not kept). */
    public record Output(NDArray logits, NDArray[] hidden) {
    }

    Transformer(HfConfig c, Checkpoint ck, Device device, DataType type) {
        this.config = c;
        this.type = type;
        this.manager = NDManager.newBaseManager(device);
        try {
            long d = c.hidden();
            boolean gpt2 = c.family() == HfConfig.Family.GPT2;
            tokenEmbedding = ck.load(manager, gpt2 ? "wte.weight" : "model.embed_tokens.weight",
                    new long[] {c.vocab(), d}, type);
            positionEmbedding = gpt2 ? ck.load(manager, "wpe.weight", new long[] {c.maxPositions(), d}, type) : null;
            for (int l = 0; l < c.layers(); l++) {
                blocks.add(gpt2 ? new Gpt2Block(ck, manager, c, l, type) : new LlamaBlock(ck, manager, c, l, type));
            }
            finalGain = ck.load(manager, gpt2 ? "ln_f.weight" : "model.norm.weight", new long[] {d}, type);
            finalBias = gpt2 ? ck.load(manager, "ln_f.bias", new long[] {d}, type) : null;
            NDArray head = c.tieEmbeddings() ? tokenEmbedding
                    : ck.load(manager, "lm_head.weight", new long[] {c.vocab(), d}, type);
            headT = head.transpose();
            rope = gpt2 ? null : new Rope(c);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public HfConfig config() {
        return config;
    }

    public DataType dataType() {
        return type;
    }

    public Device device() {
        return manager.getDevice();
    }

    public KvCache newCache() {
        return new KvCache(config.layers());
    }

    /**
     * Runs {@code tokens} ([B, T], equal lengths) at positions cache.length() onward (0 without a
     * cache). {@code keep[i]} asks for hidden state i (may be null). With {@link Logits#NONE} the
     * pass stops after the last block a kept hidden state needs.
     */
    public Output forward(NDManager scope, int[][] tokens, KvCache cache, boolean[] keep, Logits logits) {
        int b = tokens.length;
        int t = tokens[0].length;
        int start = cache == null ? 0 : cache.length;
        int total = start + t;
        if (total > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + total + " tokens exceeds max_position_embeddings "
                    + config.maxPositions());
        }
        if (config.slidingWindow() > 0 && total > config.slidingWindow()) {
            throw new IllegalArgumentException("sequence of " + total + " tokens exceeds the sliding window of "
                    + config.slidingWindow() + ", which this implementation does not apply");
        }
        long[] flat = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (tokens[i].length != t) {
                throw new IllegalArgumentException("ragged batch: row " + i + " has " + tokens[i].length
                        + " tokens, row 0 has " + t);
            }
            for (int j = 0; j < t; j++) {
                int id = tokens[i][j];
                if (id < 0 || id >= config.vocab()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                            + config.vocab());
                }
                flat[i * t + j] = id;
            }
        }
        NDArray ids = scope.create(flat, new Shape(b, t));
        NDArray x = ids.getNDArrayInternal().embedding(ids, tokenEmbedding, SparseFormat.DENSE).get(0);
        if (positionEmbedding != null) {
            x = x.add(positionEmbedding.get(scope, new NDIndex(start + ":" + total)));
        }
        int layers = config.layers();
        NDArray[] hidden = new NDArray[layers + 1];
        int lastBlock = layers;
        if (logits == Logits.NONE) {
            lastBlock = 0;
            for (int i = 0; keep != null && i < keep.length; i++) {
                lastBlock = keep[i] ? Math.max(lastBlock, Math.min(i, layers)) : lastBlock;
            }
        }
        Block.Pass pass = new Block.Pass(scope, t > 1 ? causalMask(scope, start, t) : null,
                rope == null ? null : rope.table(scope, start, t, type), cache);
        keepIf(hidden, keep, 0, x);
        for (int l = 0; l < lastBlock; l++) {
            x = blocks.get(l).forward(x, pass);
            if (l < layers - 1) {
                keepIf(hidden, keep, l + 1, x);
            }
        }
        if (cache != null && lastBlock == layers) {
            cache.length = total;
        } else if (cache != null) {
            throw new IllegalArgumentException("a pass that stops early cannot extend a cache");
        }
        if (lastBlock < layers) {
            return new Output(null, hidden);
        }
        x = finalNorm(x);
        keepIf(hidden, keep, layers, x);
        NDArray out = switch (logits) {
            case ALL -> x.matMul(headT);
            case LAST -> x.get(":, -1, :").matMul(headT);
            case NONE -> null;
        };
        return new Output(out, hidden);
    }

    private static void keepIf(NDArray[] hidden, boolean[] keep, int i, NDArray x) {
        if (keep != null && i < keep.length && keep[i]) {
            hidden[i] = x;
        }
    }

    private NDArray finalNorm(NDArray x) {
        return finalBias != null ? Gpt2Block.layerNorm(x, finalGain, finalBias, config.normEps())
                : LlamaBlock.rmsNorm(x, finalGain, config.normEps());
    }

    /** Additive mask for new positions start..start+t-1 over keys 0..start+t-1. */
    private NDArray causalMask(NDManager scope, int start, int t) {
        int total = start + t;
        float[] mask = new float[t * total];
        for (int i = 0; i < t; i++) {
            for (int j = start + i + 1; j < total; j++) {
                mask[i * total + j] = Float.NEGATIVE_INFINITY;
            }
        }
        NDArray m = scope.create(mask, new Shape(t, total));
        return type == DataType.FLOAT32 ? m : m.toType(type, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
