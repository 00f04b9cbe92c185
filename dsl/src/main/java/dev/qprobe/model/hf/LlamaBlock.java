package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * A Llama-layout block (Llama 2/3, Code Llama, Qwen2, Mistral): RMSNorm, q/k/v/o projections
 * stored (out, in) with optional biases, RoPE on q and k, grouped key/value heads, and a SiLU-gated
 * MLP down(silu(gate(x)) * up(x)).
 */
final class LlamaBlock implements Block {
    private final HfConfig c;
    private final int layer;
    private final NDArray norm1;
    private final NDArray norm2;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    /** y = x W^T (+ b), with W^T kept as a view of the stored (out, in) weight. */
    record Linear(NDArray wT, NDArray bias) {
        static Linear load(Checkpoint ck, NDManager m, String name, long out, long in, boolean bias, DataType type) {
            NDArray w = ck.load(m, name + ".weight", new long[] {out, in}, type);
            NDArray b = bias ? ck.load(m, name + ".bias", new long[] {out}, type) : null;
            return new Linear(w.transpose(), b);
        }

        NDArray apply(NDArray x) {
            NDArray y = x.matMul(wT);
            return bias == null ? y : y.add(bias);
        }
    }

    LlamaBlock(Checkpoint ck, NDManager m, HfConfig c, int layer, DataType type) {
        this.c = c;
        this.layer = layer;
        String p = "model.layers." + layer + ".";
        long d = c.hidden();
        long qDim = (long) c.heads() * c.headDim();
        long kvDim = (long) c.kvHeads() * c.headDim();
        norm1 = ck.load(m, p + "input_layernorm.weight", new long[] {d}, type);
        norm2 = ck.load(m, p + "post_attention_layernorm.weight", new long[] {d}, type);
        q = Linear.load(ck, m, p + "self_attn.q_proj", qDim, d, c.qkvBias(), type);
        k = Linear.load(ck, m, p + "self_attn.k_proj", kvDim, d, c.qkvBias(), type);
        v = Linear.load(ck, m, p + "self_attn.v_proj", kvDim, d, c.qkvBias(), type);
        o = Linear.load(ck, m, p + "self_attn.o_proj", d, qDim, c.outBias(), type);
        gate = Linear.load(ck, m, p + "mlp.gate_proj", c.intermediate(), d, c.mlpBias(), type);
        up = Linear.load(ck, m, p + "mlp.up_proj", c.intermediate(), d, c.mlpBias(), type);
        down = Linear.load(ck, m, p + "mlp.down_proj", d, c.intermediate(), c.mlpBias(), type);
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDArray h = rmsNorm(x, norm1, c.normEps());
        NDArray qh = Rope.apply(Block.splitHeads(q.apply(h), c.heads()), pass.rope());
        NDArray kh = Rope.apply(Block.splitHeads(k.apply(h), c.kvHeads()), pass.rope());
        NDArray vh = Block.splitHeads(v.apply(h), c.kvHeads());
        x = x.add(o.apply(Block.attend(layer, qh, kh, vh, pass, 1 / Math.sqrt(c.headDim()))));
        h = rmsNorm(x, norm2, c.normEps());
        NDArray g = gate.apply(h);
        return x.add(down.apply(g.mul(Activation.sigmoid(g)).mul(up.apply(h))));
    }

    /** x / sqrt(mean(x^2) + eps) * weight, computed in float32 as Hugging Face does. */
    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        DataType type = x.getDataType();
        NDArray xf = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray normed = xf.div(xf.square().mean(new int[] {-1}, true).add(eps).sqrt());
        return (type == DataType.FLOAT32 ? normed : normed.toType(type, false)).mul(weight);
    }
}
