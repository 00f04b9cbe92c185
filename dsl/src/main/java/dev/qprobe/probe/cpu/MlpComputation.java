package dev.qprobe.probe.cpu;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.Standardizer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An MLP probe (one or two hidden ReLU layers) as batched matrix products in ND4J. The whole
 * batch is scored at once, the loss of each group is taken from its slice of the scores, and the
 * gradient is back-propagated through the batch in one go.
 */
final class MlpComputation implements ProbeComputation {
    /** Standardized values per chunk of rows handed to ND4J (16 MB of float32). */
    static final int CHUNK_VALUES = 1 << 22;

    private final ProbeSpec spec;
    private final FeatureMatrix features;
    private final Standardizer standardizer;

    MlpComputation(ProbeSpec spec, FeatureMatrix features, Standardizer standardizer) {
        this.spec = spec;
        this.features = features;
        this.standardizer = standardizer;
    }

    @Override
    public float[] scores(float[] params, int[] rows) {
        Layers layers = Layers.of(spec, features.dim(), params);
        float[] q = new float[rows.length];
        int chunk = chunkRows();
        for (int from = 0; from < rows.length; from += chunk) {
            int to = Math.min(rows.length, from + chunk);
            float[] part = forward(layers, input(Arrays.copyOfRange(rows, from, to))).q.toFloatVector();
            System.arraycopy(part, 0, q, from, part.length);
        }
        return q;
    }

    /**
     * Scores every row, takes each group's loss, then back-propagates. Rows go through ND4J in
     * chunks of at most {@link #CHUNK_VALUES} standardized values, so a batch larger than the heap
     * (mapped features) trains; a batch that fits in one chunk keeps its activations from the
     * forward pass, a larger one recomputes them chunk by chunk for the backward pass.
     */
    @Override
    public double lossAndGradient(float[] params, GroupedLoss loss, int[] groups, double[] grad) {
        Layers layers = Layers.of(spec, features.dim(), params);
        int[] start = new int[groups.length + 1];
        for (int g = 0; g < groups.length; g++) {
            start[g + 1] = start[g] + loss.rows(groups[g]).length;
        }
        int[] rows = new int[start[groups.length]];
        for (int g = 0; g < groups.length; g++) {
            System.arraycopy(loss.rows(groups[g]), 0, rows, start[g], start[g + 1] - start[g]);
        }
        boolean oneChunk = rows.length <= chunkRows();
        Activations whole = oneChunk ? forward(layers, input(rows)) : null;
        float[] q = oneChunk ? whole.q.toFloatVector() : scores(params, rows);
        float[] dq = new float[q.length];
        double total = 0;
        for (int g = 0; g < groups.length; g++) {
            int n = start[g + 1] - start[g];
            float[] dqg = new float[n];
            total += loss.lossAndScoreGradient(groups[g], Arrays.copyOfRange(q, start[g], start[g + 1]), dqg);
            System.arraycopy(dqg, 0, dq, start[g], n);
        }
        if (oneChunk) {
            backward(layers, whole, Nd4j.create(dq, new long[] {dq.length, 1}, 'c'), grad);
            return total;
        }
        int chunk = chunkRows();
        for (int from = 0; from < rows.length; from += chunk) {
            int to = Math.min(rows.length, from + chunk);
            Activations act = forward(layers, input(Arrays.copyOfRange(rows, from, to)));
            backward(layers, act, Nd4j.create(Arrays.copyOfRange(dq, from, to), new long[] {to - from, 1}, 'c'), grad);
        }
        return total;
    }

    /** Rows per ND4J chunk. */
    private int chunkRows() {
        return Math.max(1, CHUNK_VALUES / features.dim());
    }

    /** The standardized feature rows as an m x d matrix. */
    private INDArray input(int[] rows) {
        int d = features.dim();
        float[] mean = standardizer.mean();
        float[] invStd = standardizer.invStd();
        float[] z = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            // Any store: the row is widened to float32 in place, then standardized.
            features.copyRows(rows[i], 1, z, i * d);
            for (int j = 0; j < d; j++) {
                z[i * d + j] = (z[i * d + j] - mean[j]) * invStd[j];
            }
        }
        return Nd4j.create(z, new long[] {rows.length, d}, 'c');
    }

    private static Activations forward(Layers layers, INDArray x) {
        INDArray[] a = new INDArray[layers.weights.length + 1];
        a[0] = x;
        for (int l = 0; l < layers.weights.length; l++) {
            a[l + 1] = Transforms.relu(a[l].mmul(layers.weights[l]).addiRowVector(layers.biases[l]), false);
        }
        INDArray q = a[a.length - 1].mmul(layers.out).addi(layers.outBias);
        return new Activations(a, q);
    }

    private static void backward(Layers layers, Activations act, INDArray dq, double[] grad) {
        int hiddenCount = layers.weights.length;
        INDArray last = act.a[hiddenCount];
        // Output layer.
        add(grad, layers.outOffset, last.transpose().mmul(dq));
        grad[layers.outOffset + (int) layers.out.length()] += dq.sumNumber().doubleValue();
        INDArray delta = dq.mmul(layers.out.transpose());
        for (int l = hiddenCount - 1; l >= 0; l--) {
            // ReLU: pass the gradient only where the unit was active.
            delta.muli(act.a[l + 1].gt(0).castTo(DataType.FLOAT));
            add(grad, layers.weightOffsets[l], act.a[l].transpose().mmul(delta));
            add(grad, layers.weightOffsets[l] + (int) layers.weights[l].length(), delta.sum(0));
            if (l > 0) {
                delta = delta.mmul(layers.weights[l].transpose());
            }
        }
    }

    private static void add(double[] grad, int offset, INDArray values) {
        float[] v = values.dup('c').data().asFloat();
        for (int i = 0; i < v.length; i++) {
            grad[offset + i] += v[i];
        }
    }

    @Override
    public void close() {
        // ND4J arrays are released by its garbage-collector-driven deallocator.
    }

    private record Activations(INDArray[] a, INDArray q) {
    }

    /** The parameter vector unpacked into ND4J matrices, with the offset of each piece. */
    private record Layers(INDArray[] weights, INDArray[] biases, int[] weightOffsets, INDArray out,
                          INDArray outBias, int outOffset) {
        static Layers of(ProbeSpec spec, int dim, float[] params) {
            int[] hidden = spec.hiddenWidths();
            INDArray[] w = new INDArray[hidden.length];
            INDArray[] b = new INDArray[hidden.length];
            int[] offsets = new int[hidden.length];
            int at = 0;
            int in = dim;
            for (int l = 0; l < hidden.length; l++) {
                int h = hidden[l];
                offsets[l] = at;
                w[l] = Nd4j.create(Arrays.copyOfRange(params, at, at + in * h), new long[] {in, h}, 'c');
                at += in * h;
                b[l] = Nd4j.create(Arrays.copyOfRange(params, at, at + h), new long[] {1, h}, 'c');
                at += h;
                in = h;
            }
            INDArray out = Nd4j.create(Arrays.copyOfRange(params, at, at + in), new long[] {in, 1}, 'c');
            INDArray outBias = Nd4j.scalar(params[at + in]);
            return new Layers(w, b, offsets, out, outBias, at);
        }
    }
}
