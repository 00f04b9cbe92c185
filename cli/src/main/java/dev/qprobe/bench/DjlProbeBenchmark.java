package dev.qprobe.bench;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.probe.Backend;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeBackends;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.util.Locale;

/**
 * Probe training on the DJL backend against the CPU backend (fused SIMD kernel for linear probes,
 * ND4J for MLPs), same data, same seed, same epochs: seconds per epoch and how far the final
 * losses differ. On a GPU ({@code src/bin/bench-gpu.sh}) the DJL side runs on CUDA.
 *
 * <p>Arguments (all optional): prompts, candidates per prompt, dimension, epochs, DJL device;
 * defaults 464 48 4096 30 cpu.
 */
public final class DjlProbeBenchmark {
    private DjlProbeBenchmark() {
    }

    public static void main(String[] args) {
        int prompts = arg(args, 0, 464);
        int candidates = arg(args, 1, 48);
        int dim = arg(args, 2, 4096);
        int epochs = arg(args, 3, 30);
        String device = args.length > 4 ? args[4] : "cpu";
        ProbeBackend cpu = ProbeBackends.resolve(Backend.cpu());
        ProbeBackend djl = ProbeBackends.resolve(Backend.djl(device));
        System.out.printf(Locale.ROOT, "probe backends: %d prompts x %d candidates x %d dims, %d epochs, %d threads, java %s%n",
                prompts, candidates, dim, epochs, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.println(ProbeBackends.describe());
        SampleSet data = SyntheticSamples.generate(prompts, candidates, dim, 0.3, 1);
        double gb = data.features().bytes() / 1e9;
        System.out.printf(Locale.ROOT, "%.0f MB of features%n%n", gb * 1e3);
        System.out.printf(Locale.ROOT, "%-16s %-10s %-12s %10s %10s %10s %12s%n",
                "objective", "probe", "backend", "s/epoch", "total s", "GB/s", "final loss");
        Object[][] runs = {{Objective.MSE, ProbeSpec.linear()}, {Objective.PG, ProbeSpec.linear()},
                {Objective.MSE, ProbeSpec.mlp(64)}};
        for (Object[] run : runs) {
            Objective objective = (Objective) run[0];
            ProbeSpec spec = (ProbeSpec) run[1];
            TrainerConfig config = TrainerConfig.defaults().withEpochs(epochs).withLearningRate(1e-3);
            double[] finals = new double[2];
            double[] perEpoch = new double[2];
            ProbeBackend[] backends = {cpu, djl};
            for (int b = 0; b < backends.length; b++) {
                // Warm-up: the JIT compiles the kernels, PyTorch loads and sizes its pools.
                new Trainer(config.withEpochs(3), backends[b]).train(data, spec, objective);
                long[] epochEnd = new long[epochs + 1];
                TrainingResult r = new Trainer(config, backends[b]).train(data, spec, objective,
                        (epoch, total, loss) -> epochEnd[epoch] = System.nanoTime());
                // Steady state: from the end of epoch 1 to the end of the last (the one-off
                // standardization fit and upload are in total s, not in s/epoch).
                perEpoch[b] = epochs > 1 ? (epochEnd[epochs] - epochEnd[1]) / 1e9 / (epochs - 1) : r.seconds();
                finals[b] = r.finalLoss();
                System.out.printf(Locale.ROOT, "%-16s %-10s %-12s %10.4f %10.2f %10.1f %12.6g%n", objective.name(),
                        spec, backends[b].name(), perEpoch[b], r.seconds(), gb / perEpoch[b], finals[b]);
            }
            System.out.printf(Locale.ROOT, "%-16s %-10s %s is %.2fx the CPU backend's time per epoch; final losses "
                    + "differ by %.1e (relative)%n", "", "", djl.name(), perEpoch[1] / perEpoch[0],
                    Math.abs(finals[1] - finals[0]) / Math.abs(finals[0]));
        }
        System.out.println();
        System.out.println("GB/s = feature-matrix bytes / seconds per epoch; s/epoch is steady state (epochs 2..N);"
                + " total s includes standardization and, for DJL, the upload to the device.");
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
                    + "' (usage: prompts candidates dim epochs device)");
        }
    }
}
