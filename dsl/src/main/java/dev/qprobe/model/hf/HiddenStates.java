package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.qprobe.model.Embedder;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's hidden state at one layer as features (float32 whatever the model's dtype), at
 * the last token of prompt + completion or averaged over the completion's tokens. Prompt and
 * completion are tokenized together as one text; the completion's tokens are those after the
 * prompt's own token count (a merge across the boundary can move it by one token).
 */
public final class HiddenStates implements Embedder {
    private static final int MAX_ROWS = 16;
    private final HfModel model;
    private final int index;
    private final boolean mean;

    HiddenStates(HfModel model, int layer, boolean mean) {
        int layers = model.config().layers();
        if (layer > layers || layer < -(layers + 1)) {
            throw new IllegalArgumentException("layer " + layer + " does not exist: this model has hidden states 0.."
                    + layers + " (0 = embeddings, " + layers + " = after the final norm) or -1..-" + (layers + 1));
        }
        this.model = model;
        this.index = layer >= 0 ? layer : layers + 1 + layer;
        this.mean = mean;
    }

    /** The hidden-state index in Hugging Face's numbering (0..layers). */
    public int index() {
        return index;
    }

    @Override
    public String id() {
        return model.id() + "/hidden(layer=" + index + (mean ? ",mean" : ",last") + ")";
    }

    @Override
    public int dim() {
        return model.config().hidden();
    }

    @Override
    public float[][] embed(String prompt, List<String> completions) {
        String promptText = model.templated(prompt);
        int promptLength = model.tokenizer().encode(promptText).length;
        List<int[]> rows = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (String c : completions) {
            int[] ids = model.tokenizer().encode(promptText + c);
            rows.add(ids);
            starts.add(c.isEmpty() ? ids.length - 1 : Math.min(promptLength, ids.length - 1));
        }
        return pool(rows, starts);
    }

    /** Features of whole texts (as {@code qprobe embed} reads them); mean pools over every token. */
    public float[][] embedTexts(List<String> texts) {
        List<int[]> rows = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (String text : texts) {
            rows.add(model.tokenizer().encode(text));
            starts.add(0);
        }
        return pool(rows, starts);
    }

    private float[][] pool(List<int[]> rows, List<Integer> starts) {
        int d = dim();
        float[][] out = new float[rows.size()][];
        for (int from = 0; from < rows.size(); from += MAX_ROWS) {
            int to = Math.min(rows.size(), from + MAX_ROWS);
            float[][] part = poolBatch(rows.subList(from, to), starts.subList(from, to), d);
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    private float[][] poolBatch(List<int[]> rows, List<Integer> starts, int d) {
        int n = rows.size();
        int width = 0;
        for (int[] r : rows) {
            if (r.length == 0) {
                throw new IllegalArgumentException("a text encodes to no tokens and the tokenizer adds no BOS");
            }
            width = Math.max(width, r.length);
        }
        int[][] padded = new int[n][width];  // right padding cannot reach earlier positions (causal)
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, padded[i], 0, rows.get(i).length);
        }
        boolean[] keep = new boolean[model.config().layers() + 1];
        keep[index] = true;
        float[][] features = new float[n][d];
        float[] h;
        synchronized (model) {
            try (NDManager scope = NDManager.newBaseManager(model.device())) {
                NDArray states = model.transformer().forward(scope, padded, null, keep, Transformer.Logits.NONE)
                        .hidden()[index];
                h = states.toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        for (int i = 0; i < n; i++) {
            int last = rows.get(i).length - 1;
            int first = mean ? starts.get(i) : last;
            for (int pos = first; pos <= last; pos++) {
                int off = (i * width + pos) * d;
                for (int j = 0; j < d; j++) {
                    features[i][j] += h[off + j];
                }
            }
            float scale = 1f / (last - first + 1);
            for (int j = 0; j < d; j++) {
                features[i][j] *= scale;
            }
        }
        return features;
    }
}
