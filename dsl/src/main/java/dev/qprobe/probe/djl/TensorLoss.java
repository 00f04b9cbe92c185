package dev.qprobe.probe.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.qprobe.probe.LossForm;

/**
 * The objectives of {@link LossForm} in NDArray operations: the same functions the Java objectives
 * of {@code dev.qprobe.train} compute, evaluated on the device.
 */
final class TensorLoss {
    private TensorLoss() {
    }

    /**
     * The summed loss over units.
     *
     * @param q scores of each unit's rows, units x width
     * @param r rewards of the same rows, units x width
     */
    static NDArray sum(LossForm form, NDArray q, NDArray r) {
        return switch (form.kind()) {
            case SQUARED_ERROR -> q.sub(r).square().sum();
            case BINARY_CROSS_ENTROPY -> Activation.softPlus(q).sub(r.mul(q)).sum();
            case SOFTMAX_REWARD -> q.div(form.temperature()).softmax(1).mul(r).sum().neg();
            case BRADLEY_TERRY -> Activation.softPlus(q.get(":, 1").sub(q.get(":, 0"))).sum();
        };
    }
}
