package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in the rotate-half layout of Hugging Face's Llama code: a head's
 * first and second halves form the pairs, x * cos + rotateHalf(x) * sin with
 * rotateHalf(x) = [-x2, x1], and the angle of pair i at position p is p * invFreq[i].
 */
final class Rope {
    private final double[] invFreq;
    private final int headDim;

    Rope(HfConfig c) {
        headDim = c.headDim();
        invFreq = inverseFrequencies(c);
    }

    static double[] inverseFrequencies(HfConfig c) {
        int half = c.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / c.headDim());
        }
        HfConfig.RopeScaling s = c.ropeScaling();
        if (s == null) {
            return inv;
        }
        // Llama 3: long wavelengths slowed by factor, short ones kept, a smooth blend in between.
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = inv[i] / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
            }
        }
        return inv;
    }

    /** cos and sin for positions start..start+t-1, each [t, headDim], in {@code type}. */
    NDList table(NDManager scope, int start, int t, DataType type) {
        float[] cos = new float[t * headDim];
        float[] sin = new float[t * headDim];
        int half = headDim / 2;
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                double angle = (start + p) * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[p * headDim + i] = c;
                cos[p * headDim + half + i] = c;
                sin[p * headDim + i] = s;
                sin[p * headDim + half + i] = s;
            }
        }
        NDArray c = scope.create(cos, new Shape(t, headDim));
        NDArray s = scope.create(sin, new Shape(t, headDim));
        if (type != DataType.FLOAT32) {
            c = c.toType(type, false);
            s = s.toType(type, false);
        }
        return new NDList(c, s);
    }

    /** Rotates x [B, H, T, headDim] by the table. */
    static NDArray apply(NDArray x, NDList table) {
        int half = (int) (x.getShape().get(3) / 2);
        NDArray x1 = x.get(":, :, :, :" + half);
        NDArray x2 = x.get(":, :, :, " + half + ":");
        NDArray rotated = x2.neg().concat(x1, 3);
        return x.mul(table.get(0)).add(rotated.mul(table.get(1)));
    }
}
