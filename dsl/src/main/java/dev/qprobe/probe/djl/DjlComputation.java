package dev.qprobe.probe.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.ProbeComputation;

/**
 * Scores and gradients for parameters held by the caller: each call uploads the parameters,
 * computes on the device and downloads the result. Training uses {@link DjlTraining}, which keeps
 * the parameters on the device instead; this serves scoring and gradient checks.
 */
final class DjlComputation implements ProbeComputation {
    private final Engine engine;
    private final NDManager manager;
    private final DeviceFeatures features;
    private final ProbeNet net;

    DjlComputation(Engine engine, NDManager manager, DeviceFeatures features, ProbeNet net) {
        this.engine = engine;
        this.manager = manager;
        this.features = features;
        this.net = net;
    }

    @Override
    public float[] scores(float[] params, int[] rows) {
        try (NDManager scope = manager.newSubManager()) {
            features.lendTo(scope);
            long[] index = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                index[i] = rows[i];
            }
            NDArray x = features.x.get(scope.create(index));
            return net.scores(scope.create(params), x, features).toFloatArray();
        }
    }

    @Override
    public double lossAndGradient(float[] params, GroupedLoss loss, int[] groups, double[] grad) {
        try (NDManager scope = manager.newSubManager();
             StepTensors tensors = new StepTensors(scope, loss, groups, features.rows)) {
            features.lendTo(scope);
            NDArray leaf = scope.create(params);
            leaf.setRequiresGradient(true);
            double sum;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray total = tensors.loss(net, leaf, features);
                collector.backward(total);
                sum = total.getFloat();
            }
            float[] g = leaf.getGradient().toFloatArray();
            for (int i = 0; i < g.length; i++) {
                grad[i] += g[i];
            }
            return sum;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
