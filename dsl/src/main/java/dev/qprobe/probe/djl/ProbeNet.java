package dev.qprobe.probe.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.qprobe.probe.ProbeSpec;

/**
 * The forward pass of a probe in NDArray operations, reading the flat parameter vector laid out as
 * {@link ProbeSpec} says. Standardization is folded into the first layer, as the CPU kernel does:
 * z W = x (invStd * W) - (mean * invStd) W, so the feature matrix is never copied.
 */
final class ProbeNet {
    private final ProbeSpec spec;

    ProbeNet(ProbeSpec spec) {
        this.spec = spec;
    }

    /** Q of the rows of {@code x} (a rows x dim array, or a gathered subset of it). */
    NDArray scores(NDArray params, NDArray x, DeviceFeatures f) {
        int d = f.dim;
        long at = 0;
        long in = d;
        NDArray a = x;
        NDArray scale = f.invStd;
        NDArray shift = f.mean.mul(f.invStd);
        for (int h : spec.hiddenWidths()) {
            NDArray w = slice(params, at, in * h).reshape(in, h);
            at += in * h;
            NDArray b = slice(params, at, h);
            at += h;
            if (scale != null) {
                // First layer: fold the standardization into the weights and the bias.
                b = b.sub(shift.matMul(w));
                w = w.mul(scale.reshape(in, 1));
                scale = null;
            }
            a = Activation.relu(a.matMul(w).add(b));
            in = h;
        }
        NDArray w = slice(params, at, in);
        NDArray b = params.get(at + in);
        if (scale != null) {
            // Linear probe: v = w * invStd, c = b - v . mean.
            w = w.mul(scale);
            b = b.sub(w.mul(f.mean).sum());
        }
        return a.matMul(w).add(b);
    }

    private static NDArray slice(NDArray params, long from, long length) {
        return params.get(from + ":" + (from + length));
    }
}
