package dev.qprobe.probe.cpu;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.probe.GroupedLoss;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.Standardizer;
import java.util.stream.IntStream;

/**
 * The linear probe Q(x) = w . z + b on standardized features z = (x - mean) * invStd, computed on
 * raw rows: Q(x) = v . x + c with v = w * invStd and c = b - v . mean, so the feature matrix is
 * never copied.
 *
 * <p>Training is memory-bound: an epoch must stream the whole matrix. In the default fused mode
 * each group's rows are read from memory once: scored, handed to the loss, and their gradient
 * contribution G += dq_i x_i accumulated while they are still in cache. The two-pass mode (score
 * all rows, then sweep them again for the gradient) exists to measure what the fusion buys.
 *
 * <p>Work is split into a fixed number of shards of consecutive groups, independent of the number
 * of threads, and shard results are summed in shard order: the same inputs give bit-identical
 * gradients on any machine.
 */
final class LinearComputation implements ProbeComputation {
    private static final int MAX_SHARDS = 32;

    private final FeatureMatrix features;
    private final Standardizer standardizer;
    private final boolean fused;
    private final FeatureRows x;

    LinearComputation(FeatureMatrix features, Standardizer standardizer, boolean fused) {
        this.features = features;
        this.standardizer = standardizer;
        this.fused = fused;
        this.x = FeatureRows.of(features);
    }

    /** v = w * invStd and c = b - v . mean, packed as [v..., c]. */
    private float[] rawCoefficients(float[] params) {
        int d = features.dim();
        float[] mean = standardizer.mean();
        float[] invStd = standardizer.invStd();
        float[] v = new float[d + 1];
        double shift = 0;
        for (int j = 0; j < d; j++) {
            v[j] = params[j] * invStd[j];
            shift += (double) v[j] * mean[j];
        }
        v[d] = (float) (params[d] - shift);
        return v;
    }

    @Override
    public float[] scores(float[] params, int[] rows) {
        float[] v = x.kernelLayout(rawCoefficients(params));
        float[] q = new float[rows.length];
        int d = features.dim();
        IntStream.range(0, shardCount(rows.length)).parallel().forEach(s -> {
            int from = shardStart(s, rows.length);
            int to = shardStart(s + 1, rows.length);
            int[] handles = x.handles(java.util.Arrays.copyOfRange(rows, from, to));
            for (int i = from; i < to; i++) {
                q[i] = x.dot(v, handles[i - from]) + v[d];
            }
        });
        return q;
    }

    @Override
    public double lossAndGradient(float[] params, GroupedLoss loss, int[] groups, double[] grad) {
        float[] v = x.kernelLayout(rawCoefficients(params));
        int shards = shardCount(groups.length);
        Partial[] partials;
        if (fused) {
            Partial[] fusedPartials = new Partial[shards];
            IntStream.range(0, shards).parallel().forEach(s ->
                    fusedPartials[s] = fusedShard(v, loss, groups, shardStart(s, groups.length),
                            shardStart(s + 1, groups.length)));
            partials = fusedPartials;
        } else {
            partials = twoPass(v, loss, groups, shards);
        }
        // Reduce in shard order: deterministic whatever the thread count.
        int d = features.dim();
        double[] g = new double[d];
        double sumDq = 0;
        double total = 0;
        for (Partial p : partials) {
            x.naturalLayout(p.weighted);
            for (int j = 0; j < d; j++) {
                g[j] += p.weighted[j];
            }
            sumDq += p.sumDq;
            total += p.loss;
        }
        // Chain rule through the standardization: dL/dw_j = invStd_j * (G_j - mean_j * sum(dq)).
        float[] mean = standardizer.mean();
        float[] invStd = standardizer.invStd();
        for (int j = 0; j < d; j++) {
            grad[j] += invStd[j] * (g[j] - mean[j] * sumDq);
        }
        grad[d] += sumDq;
        return total;
    }

    private Partial fusedShard(float[] v, GroupedLoss loss, int[] groups, int from, int to) {
        int d = features.dim();
        Partial p = new Partial(d);
        for (int gi = from; gi < to; gi++) {
            int group = groups[gi];
            int[] handles = x.handles(loss.rows(group));
            float[] qg = new float[handles.length];
            float[] dqg = new float[handles.length];
            scoreRows(v, handles, qg);
            p.loss += loss.lossAndScoreGradient(group, qg, dqg);
            accumulateRows(dqg, handles, p);
        }
        return p;
    }

    private Partial[] twoPass(float[] v, GroupedLoss loss, int[] groups, int shards) {
        int d = features.dim();
        int[] start = new int[groups.length + 1];
        for (int gi = 0; gi < groups.length; gi++) {
            start[gi + 1] = start[gi] + loss.rows(groups[gi]).length;
        }
        float[] q = new float[start[groups.length]];
        float[] dq = new float[q.length];
        // Pass 1: every score.
        IntStream.range(0, shards).parallel().forEach(s -> {
            for (int gi = shardStart(s, groups.length); gi < shardStart(s + 1, groups.length); gi++) {
                int[] handles = x.handles(loss.rows(groups[gi]));
                float[] qg = new float[handles.length];
                scoreRows(v, handles, qg);
                System.arraycopy(qg, 0, q, start[gi], handles.length);
            }
        });
        Partial[] partials = new Partial[shards];
        IntStream.range(0, shards).parallel().forEach(s -> {
            Partial p = new Partial(d);
            for (int gi = shardStart(s, groups.length); gi < shardStart(s + 1, groups.length); gi++) {
                int n = start[gi + 1] - start[gi];
                float[] dqg = new float[n];
                p.loss += loss.lossAndScoreGradient(groups[gi], java.util.Arrays.copyOfRange(q, start[gi], start[gi + 1]), dqg);
                System.arraycopy(dqg, 0, dq, start[gi], n);
            }
            partials[s] = p;
        });
        // Pass 2: sweep all rows again for the gradient.
        IntStream.range(0, shards).parallel().forEach(s -> {
            for (int gi = shardStart(s, groups.length); gi < shardStart(s + 1, groups.length); gi++) {
                accumulateRows(java.util.Arrays.copyOfRange(dq, start[gi], start[gi + 1]),
                        x.handles(loss.rows(groups[gi])), partials[s]);
            }
        });
        return partials;
    }

    /** q[i] = v . x[rows[i]] + c, the rows given by their handles. */
    private void scoreRows(float[] v, int[] handles, float[] q) {
        int d = features.dim();
        for (int i = 0; i < handles.length; i++) {
            q[i] = x.dot(v, handles[i]) + v[d];
        }
    }

    /** p.weighted += sum_i dq[i] x[rows[i]], eight rows at a time; p.sumDq += sum_i dq[i]. */
    private void accumulateRows(float[] dq, int[] handles, Partial p) {
        int i = 0;
        for (; i + 8 <= handles.length; i += 8) {
            x.axpy8(dq, i, handles, i, p.weighted);
        }
        for (; i < handles.length; i++) {
            if (dq[i] != 0f) {
                x.axpy(dq[i], handles[i], p.weighted);
            }
        }
        for (float g : dq) {
            p.sumDq += g;
        }
    }

    private static int shardCount(int items) {
        return Math.max(1, Math.min(MAX_SHARDS, items));
    }

    private static int shardStart(int shard, int items) {
        int shards = shardCount(items);
        return (int) ((long) items * shard / shards);
    }

    @Override
    public void close() {
        // Nothing held beyond the caller's arrays.
    }

    /** One shard's share: sum of dq_i x_i (raw features), sum of dq_i, and the loss. */
    private static final class Partial {
        final float[] weighted;
        double sumDq;
        double loss;

        Partial(int d) {
            weighted = new float[d];
        }
    }
}
