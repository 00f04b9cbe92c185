package dev.qprobe.probe;

/** Training whose parameters and AdamW moments live in Java arrays, stepping through a {@link ProbeComputation}. */
final class HostTraining implements ProbeTraining {
    private final ProbeComputation computation;
    private final AdamW optimizer;
    private final float[] params;
    private final double[] grad;
    private final double[] m;
    private final double[] v;
    private int step;

    HostTraining(ProbeComputation computation, float[] initial, AdamW optimizer) {
        this.computation = computation;
        this.optimizer = optimizer;
        this.params = initial.clone();
        this.grad = new double[initial.length];
        this.m = new double[initial.length];
        this.v = new double[initial.length];
    }

    @Override
    public double step(GroupedLoss loss, int[] groups) {
        java.util.Arrays.fill(grad, 0);
        double total = computation.lossAndGradient(params, loss, groups, grad);
        long units = 0;
        for (int g : groups) {
            units += loss.unitCount(g);
        }
        for (int i = 0; i < grad.length; i++) {
            grad[i] /= units;
        }
        optimizer.update(++step, params, grad, m, v);
        return total;
    }

    @Override
    public float[] parameters() {
        return params.clone();
    }

    @Override
    public void close() {
        computation.close();
    }
}
