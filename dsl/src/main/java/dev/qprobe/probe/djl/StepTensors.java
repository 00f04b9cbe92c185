package dev.qprobe.probe.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.LossForm;

/**
 * The index arrays of one optimizer step on the device: which rows to score, and for each unit of
 * the loss (sample, chunk or pair) the positions of its scores and its rewards. When the step
 * covers at least half the rows, every row is scored in one matrix product and the units index
 * rows directly, instead of first gathering a copy of the batch's rows.
 */
final class StepTensors implements AutoCloseable {
    private final NDManager manager;
    /** Rows to score (int64), or null: score every row. */
    final NDArray rows;
    /** units x width (int64): positions into the scores. */
    final NDArray positions;
    /** units x width (float32): the reward of each position's row. */
    final NDArray rewards;
    final LossForm form;
    final long units;

    StepTensors(NDManager parent, GroupedLoss loss, int[] groups, int totalRows) {
        this.form = loss.form();
        int batchRows = 0;
        long unitCount = 0;
        int width = -1;
        for (int g : groups) {
            batchRows += loss.rows(g).length;
            for (int[] unit : loss.units(g)) {
                if (width >= 0 && unit.length != width) {
                    throw new IllegalArgumentException("the loss's units differ in size (" + width + " and "
                            + unit.length + " rows): the djl backend needs units of one size per step");
                }
                width = unit.length;
                unitCount++;
            }
        }
        this.units = unitCount;
        boolean allRows = 2L * batchRows >= totalRows;
        long[] rowIndex = new long[batchRows];
        long[] position = new long[(int) (unitCount * width)];
        float[] reward = new float[position.length];
        double[] r = form.rewards();
        int start = 0;
        int at = 0;
        for (int g : groups) {
            int[] groupRows = loss.rows(g);
            for (int i = 0; i < groupRows.length; i++) {
                rowIndex[start + i] = groupRows[i];
            }
            for (int[] unit : loss.units(g)) {
                for (int pos : unit) {
                    int row = groupRows[pos];
                    position[at] = allRows ? row : start + pos;
                    reward[at] = (float) r[row];
                    at++;
                }
            }
            start += groupRows.length;
        }
        this.manager = parent.newSubManager();
        this.rows = allRows ? null : manager.create(rowIndex);
        this.positions = manager.create(position, new Shape(unitCount, width));
        this.rewards = manager.create(reward, new Shape(unitCount, width));
    }

    /**
     * The summed loss of this step's units from the model's parameters, in float32 (DJL's type
     * cast leaves the autograd graph; the CPU objectives round their score gradients to float too).
     */
    NDArray loss(ProbeNet net, NDArray params, DeviceFeatures f) {
        NDArray x = rows == null ? f.x : f.x.get(rows);
        return TensorLoss.sum(form, net.scores(params, x, f).take(positions), rewards);
    }

    @Override
    public void close() {
        manager.close();
    }
}
