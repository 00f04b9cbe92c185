package dev.qprobe.model.builtin;

import dev.qprobe.model.Embedder;
import java.util.List;

/** The built-in model's residual stream at one block, as features. */
final class HiddenStateEmbedder implements Embedder {
    private final BuiltinModel model;
    private final int block;
    private final boolean mean;

    HiddenStateEmbedder(BuiltinModel model, int block, boolean mean) {
        this.model = model;
        this.block = block;
        this.mean = mean;
    }

    @Override
    public String id() {
        int fromTop = block - model.config().layers();
        return model.id() + "/hidden(layer=" + fromTop + (mean ? ",mean" : ",last") + ")";
    }

    @Override
    public int dim() {
        return model.config().dModel();
    }

    @Override
    public float[][] embed(String prompt, List<String> completions) {
        return model.hidden(prompt, completions, block, mean);
    }
}
