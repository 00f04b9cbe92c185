package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Draws the next token of each row on the model's device: softmax(logits / temperature), kept to
 * the smallest set of most likely tokens whose probability reaches top-p, and inverse-CDF
 * sampling with one uniform number per row drawn in Java (PyTorch on DJL has no multinomial, and
 * Java's seeded generators keep draws reproducible whatever the device). Only the chosen ids come
 * back to the host.
 */
final class TokenChooser {
    private TokenChooser() {
    }

    /** One token per row of {@code logits} ([R, V]); {@code uniforms} are R numbers in [0, 1). */
    static int[] choose(NDManager scope, NDArray logits, double[] uniforms, double temperature, double topP) {
        int rows = uniforms.length;
        float[] u = new float[rows];
        for (int i = 0; i < rows; i++) {
            u[i] = (float) uniforms[i];
        }
        NDArray probs = logits.toType(DataType.FLOAT32, false).div(temperature).softmax(1);
        NDArray draw = scope.create(u, new Shape(rows, 1));
        NDArray chosen;
        if (topP >= 1) {
            NDArray cdf = probs.cumSum(1);
            NDArray target = draw.mul(cdf.get(":, -1:"));
            long last = cdf.getShape().get(1) - 1;
            chosen = cdf.lt(target).toType(DataType.INT64, false).sum(new int[] {1}).minimum(last);
        } else {
            NDArray order = probs.argSort(1, false);
            NDArray sorted = probs.gather(order, 1);
            NDArray cdf = sorted.cumSum(1);
            NDArray keep = cdf.sub(sorted).lt(topP);
            NDArray mass = sorted.mul(keep.toType(DataType.FLOAT32, false)).sum(new int[] {1}, true);
            NDArray kept = keep.toType(DataType.INT64, false).sum(new int[] {1}, true);
            NDArray pos = cdf.lt(draw.mul(mass)).toType(DataType.INT64, false).sum(new int[] {1}, true)
                    .minimum(kept.sub(1));
            chosen = order.gather(pos, 1).squeeze(1);
        }
        long[] ids = chosen.toType(DataType.INT64, false).toLongArray();
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /** The most likely token of each row. */
    static int[] argmax(NDArray logits) {
        long[] ids = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
