package dev.qprobe.probe.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.qprobe.probe.AdamW;
import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.ProbeTraining;
import java.util.Arrays;

/**
 * A probe trained on a DJL device: features, parameters (float32) and AdamW moments (float64, as
 * the host optimizer keeps them) stay on the device; a step uploads at most its index arrays and
 * downloads one number, the loss. Each step runs in its own sub-manager, so every intermediate
 * array is freed when the step ends.
 */
final class DjlTraining implements ProbeTraining {
    private final Engine engine;
    private final NDManager manager;
    private final DeviceFeatures features;
    private final ProbeNet net;
    private final AdamW optimizer;
    private final NDArray params;
    private final NDArray m;
    private final NDArray v;
    private int step;
    private GroupedLoss cachedLoss;
    private int[] cachedGroups;
    private StepTensors cached;

    DjlTraining(Engine engine, NDManager manager, DeviceFeatures features, ProbeNet net, float[] initial,
                AdamW optimizer) {
        this.engine = engine;
        this.manager = manager;
        this.features = features;
        this.net = net;
        this.optimizer = optimizer;
        this.params = manager.create(initial);
        this.m = manager.zeros(params.getShape(), DataType.FLOAT64);
        this.v = manager.zeros(params.getShape(), DataType.FLOAT64);
    }

    @Override
    public double step(GroupedLoss loss, int[] groups) {
        StepTensors tensors = tensorsFor(loss, groups);
        step++;
        try (NDManager scope = manager.newSubManager()) {
            features.lendTo(scope);
            for (NDArray a : new NDArray[] {params, m, v}) {
                a.tempAttach(scope);
            }
            // A fresh leaf each step: PyTorch would otherwise add this step's gradient to the last one's.
            NDArray leaf = params.duplicate();
            leaf.setRequiresGradient(true);
            double sum;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray total = tensors.loss(net, leaf, features);
                collector.backward(total.div(tensors.units));
                sum = total.getFloat();
            }
            NDArray g = leaf.getGradient().toType(DataType.FLOAT64, false);
            update(g);
            return sum;
        }
    }

    /** AdamW as {@link AdamW#update} writes it, in float64, rounding the parameters to float32 once. */
    private void update(NDArray g) {
        double b1 = optimizer.momentDecay1();
        double b2 = optimizer.momentDecay2();
        m.muli(b1).addi(g.mul(1 - b1));
        v.muli(b2).addi(g.square().mul(1 - b2));
        NDArray denominator = v.div(optimizer.secondCorrection(step)).sqrt().add(optimizer.eps());
        NDArray change = m.div(optimizer.firstCorrection(step)).div(denominator).mul(optimizer.learningRate());
        NDArray next = params.toType(DataType.FLOAT64, true).mul(optimizer.decay()).sub(change);
        params.set(new NDIndex(":"), next.toType(DataType.FLOAT32, false));
    }

    /** The step's index arrays; reused while the plan and its batch stay the same (full-batch training). */
    private StepTensors tensorsFor(GroupedLoss loss, int[] groups) {
        if (cached == null || loss != cachedLoss || !Arrays.equals(groups, cachedGroups)) {
            if (cached != null) {
                cached.close();
            }
            cached = new StepTensors(manager, loss, groups, features.rows);
            cachedLoss = loss;
            cachedGroups = groups.clone();
        }
        return cached;
    }

    @Override
    public float[] parameters() {
        return params.toFloatArray();
    }

    @Override
    public void close() {
        manager.close();
    }
}
