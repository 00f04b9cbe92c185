package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A GPT-2 block: pre-LayerNorm, fused q/k/v and output projections stored as Conv1D weights
 * (in, out), i.e. y = x W + b, and an MLP with the tanh GELU.
 */
final class Gpt2Block implements Block {
    private static final double GELU_C = Math.sqrt(2 / Math.PI);
    private final HfConfig c;
    private final int layer;
    private final NDArray ln1g;
    private final NDArray ln1b;
    private final NDArray wQkv;
    private final NDArray bQkv;
    private final NDArray wO;
    private final NDArray bO;
    private final NDArray ln2g;
    private final NDArray ln2b;
    private final NDArray wFc;
    private final NDArray bFc;
    private final NDArray wProj;
    private final NDArray bProj;

    Gpt2Block(Checkpoint ck, NDManager m, HfConfig c, int layer, DataType type) {
        this.c = c;
        this.layer = layer;
        String p = "h." + layer + ".";
        long d = c.hidden();
        long inner = c.intermediate();
        ln1g = ck.load(m, p + "ln_1.weight", new long[] {d}, type);
        ln1b = ck.load(m, p + "ln_1.bias", new long[] {d}, type);
        wQkv = ck.load(m, p + "attn.c_attn.weight", new long[] {d, 3 * d}, type);
        bQkv = ck.load(m, p + "attn.c_attn.bias", new long[] {3 * d}, type);
        wO = ck.load(m, p + "attn.c_proj.weight", new long[] {d, d}, type);
        bO = ck.load(m, p + "attn.c_proj.bias", new long[] {d}, type);
        ln2g = ck.load(m, p + "ln_2.weight", new long[] {d}, type);
        ln2b = ck.load(m, p + "ln_2.bias", new long[] {d}, type);
        wFc = ck.load(m, p + "mlp.c_fc.weight", new long[] {d, inner}, type);
        bFc = ck.load(m, p + "mlp.c_fc.bias", new long[] {inner}, type);
        wProj = ck.load(m, p + "mlp.c_proj.weight", new long[] {inner, d}, type);
        bProj = ck.load(m, p + "mlp.c_proj.bias", new long[] {d}, type);
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        NDList qkv = layerNorm(x, ln1g, ln1b, c.normEps()).matMul(wQkv).add(bQkv).split(3, 2);
        long heads = c.heads();
        double scale = 1 / Math.sqrt(c.headDim()) / (c.scaleAttnByLayer() ? layer + 1 : 1);
        NDArray att = Block.attend(layer, Block.splitHeads(qkv.get(0), heads), Block.splitHeads(qkv.get(1), heads),
                Block.splitHeads(qkv.get(2), heads), pass, scale);
        x = x.add(att.matMul(wO).add(bO));
        NDArray h = layerNorm(x, ln2g, ln2b, c.normEps()).matMul(wFc).add(bFc);
        return x.add(geluTanh(h).matMul(wProj).add(bProj));
    }

    static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias, double eps) {
        long d = x.getShape().getLastDimension();
        return x.getNDArrayInternal().layerNorm(x, new Shape(d), gain, bias, (float) eps).get(0);
    }

    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's gelu_new. */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(GELU_C).tanh().add(1);
        return x.mul(inner).mul(0.5);
    }
}
