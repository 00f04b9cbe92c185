package dev.qprobe.bench;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.cpu.CpuBackend;
import dev.qprobe.probe.cpu.VectorMath;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Linear-probe training throughput against this machine's memory bandwidth.
 *
 * <p>An epoch must read the whole feature matrix at least once, so the figure of merit is the
 * matrix size divided by the seconds per epoch, compared with a plain SIMD sum over the same array
 * on the same threads (the fastest a single read can be). Fused (one read per epoch) and two-pass
 * (score everything, then sweep again for the gradient) kernels are both timed.
 *
 * <p>Arguments (all optional): prompts, candidates per prompt, dimension, epochs; defaults
 * 464 48 4096 150.
 */
public final class LinearProbeBenchmark {
    private LinearProbeBenchmark() {
    }

    public static void main(String[] args) {
        int prompts = arg(args, 0, 464);
        int candidates = arg(args, 1, 48);
        int dim = arg(args, 2, 4096);
        int epochs = arg(args, 3, 150);
        System.out.printf(Locale.ROOT, "linear-probe benchmark: %d prompts x %d candidates x %d dims, %d epochs%n",
                prompts, candidates, dim, epochs);
        System.out.printf(Locale.ROOT, "threads %d, kernel %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                VectorMath.INSTANCE.describe(), System.getProperty("java.version"));
        long t0 = System.nanoTime();
        SampleSet data = SyntheticSamples.generate(prompts, candidates, dim, 0.3, 1);
        double gb = data.features().bytes() / 1e9;
        System.out.printf(Locale.ROOT, "generated %.0f MB of features in %.1f s%n", gb * 1e3, (System.nanoTime() - t0) / 1e9);

        double[] sums = memoryBandwidth(data.features());
        double bandwidth = sums[sums.length / 2];
        double best = sums[sums.length - 1];
        System.out.printf(Locale.ROOT, "memory bandwidth (sum over the matrix with the same kernel, all threads, 21 runs): "
                + "median %.1f GB/s, best %.1f GB/s%n%n", bandwidth, best);

        System.out.printf(Locale.ROOT, "%-16s %-10s %10s %10s %10s %10s %10s%n",
                "objective", "kernel", "s/epoch", "total s", "GB/s", "% median", "% best");
        for (Objective objective : new Objective[] {Objective.MSE, Objective.PG}) {
            double fused = 0;
            for (ProbeBackend backend : new ProbeBackend[] {CpuBackend.INSTANCE, CpuBackend.TWO_PASS}) {
                TrainerConfig config = TrainerConfig.defaults().withEpochs(epochs).withLearningRate(1e-3);
                // Warm-up so the JIT has compiled the kernels before timing.
                new Trainer(config.withEpochs(30), backend).train(data, ProbeSpec.linear(), objective);
                long[] epochEnd = new long[epochs + 1];
                TrainingResult r = new Trainer(config, backend).train(data, ProbeSpec.linear(), objective,
                        (epoch, total, loss) -> epochEnd[epoch] = System.nanoTime());
                // Steady state: from the end of epoch 1 to the end of the last, so the one-off
                // standardization fit is not counted as epoch time.
                double perEpoch = epochs > 1 ? (epochEnd[epochs] - epochEnd[1]) / 1e9 / (epochs - 1) : r.seconds();
                double rate = gb / perEpoch;
                if (backend == CpuBackend.INSTANCE) {
                    fused = perEpoch;
                }
                System.out.printf(Locale.ROOT, "%-16s %-10s %10.4f %10.2f %10.1f %9.0f%% %9.0f%%%s%n",
                        objective.name(), backend == CpuBackend.INSTANCE ? "fused" : "two-pass", perEpoch,
                        r.seconds(), rate, 100 * rate / bandwidth, 100 * rate / best,
                        backend == CpuBackend.INSTANCE ? "" : String.format(Locale.ROOT, "   (fused is %.2fx faster)",
                                perEpoch / fused));
            }
        }
        System.out.println();
        System.out.println("GB/s = feature-matrix bytes / seconds per epoch (one read of the matrix per epoch);"
                + " s/epoch is steady state (epochs 2..N); total s includes the one-off standardization fit.");
    }

    /** GB/s of 21 SIMD sums over the matrix, split across threads like training is; sorted ascending. */
    static double[] memoryBandwidth(FeatureMatrix features) {
        float[] a = features.array();
        int parts = Runtime.getRuntime().availableProcessors() * 4;
        double[] rates = new double[21];
        double sink = 0;
        for (int rep = -3; rep < rates.length; rep++) {  // three untimed runs warm up the JIT
            long t = System.nanoTime();
            sink += IntStream.range(0, parts).parallel().mapToDouble(p -> {
                int from = (int) ((long) a.length * p / parts);
                int to = (int) ((long) a.length * (p + 1) / parts);
                return VectorMath.INSTANCE.sum(a, from, to - from);
            }).sum();
            if (rep >= 0) {
                rates[rep] = features.bytes() / 1e9 / ((System.nanoTime() - t) / 1e9);
            }
        }
        if (sink == 12345.678) {
            System.out.print("");  // keeps the sums observable so the JIT cannot drop them
        }
        java.util.Arrays.sort(rates);
        return rates;
    }

    private static int arg(String[] args, int i, int fallback) {
        if (args.length <= i) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(args[i]);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + (i + 1) + " must be a positive integer, got '" + args[i]
                    + "' (usage: prompts candidates dim epochs)");
        }
    }
}
