package dev.qprobe.bench;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.io.Npy;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.cpu.CpuBackend;
import dev.qprobe.probe.cpu.ReadBandwidth;
import dev.qprobe.probe.cpu.VectorMath;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Linear-probe training throughput against this machine's memory bandwidth, per feature store.
 *
 * <p>An epoch must read the whole feature matrix at least once, so the figure of merit is the
 * matrix's bytes divided by the seconds per epoch, compared with a SIMD sum over the same bytes,
 * read from the same store with the same loads, in the same process ({@link ReadBandwidth}).
 * Timed, in one run: heap float32 (fused and two-pass kernels), heap bfloat16, float16 mapped
 * from a file in the page cache, and the user's path: the data written as {@code .npy} + CSV,
 * loaded as {@code qprobe train} loads it ({@link SampleSetIO#load}), split by prompt and trained
 * through the DSL, whose epochs are the ones {@code qprobe train} runs.
 *
 * <p>Arguments: [PROMPTS CANDIDATES DIM EPOCHS] (defaults 464 48 4096 150), then options:
 * {@code --scale N1,N2,..} runs {@link ProbeScaleBenchmark} instead; {@code --dir DIR} where
 * temporary files go (default java.io.tmpdir).
 */
public final class LinearProbeBenchmark {
    private LinearProbeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        String scales = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--scale" -> scales = value(args, ++i, "--scale");
                default -> positional.add(args[i]);
            }
        }
        String[] rest = positional.toArray(String[]::new);
        int prompts = arg(rest, 0, 464);
        int candidates = arg(rest, 1, 48);
        int dim = arg(rest, 2, 4096);
        int epochs = arg(rest, 3, 150);
        if (scales != null) {
            ProbeScaleBenchmark.run(prompts, candidates, dim, epochs, scales, dir);
            return;
        }
        System.out.printf(Locale.ROOT, "linear-probe benchmark: %d prompts x %d candidates x %d dims, %d epochs%n",
                prompts, candidates, dim, epochs);
        System.out.printf(Locale.ROOT, "threads %d, kernel %s, java %s%n", Runtime.getRuntime().availableProcessors(),
                VectorMath.INSTANCE.describe(), System.getProperty("java.version"));
        long t0 = System.nanoTime();
        SampleSet data = SyntheticSamples.generate(prompts, candidates, dim, 0.3, 1);
        System.out.printf(Locale.ROOT, "generated %.0f MB of features in %.1f s%n%n", data.features().bytes() / 1e6,
                (System.nanoTime() - t0) / 1e9);

        System.out.printf(Locale.ROOT, "%-16s %-26s %9s %8s %8s %9s %8s%n",
                "objective", "store / kernel", "s/epoch", "total s", "GB/s", "sum GB/s", "% of sum");
        double[] f32 = timeStore(data, "heap f32 fused", epochs, true);
        timeStore(data, "heap f32 two-pass", epochs, false);
        double[] bf16 = timeStore(data.withFeatures(data.features().withPrecision(FeaturePrecision.BF16)),
                "heap bf16 fused", epochs, true);
        Path f16File = Files.createTempFile(dir, "qprobe-bench-f16-", ".npy");
        double[] f16;
        try {
            Npy.write(f16File, data.features(), FeaturePrecision.F16);
            f16 = timeStore(data.withFeatures(Npy.map(f16File)), "mapped f16 fused", epochs, true);
        } finally {
            Files.deleteIfExists(f16File);
        }
        double[] user = userPath(data, epochs, dir);
        System.out.println();
        for (int o = 0; o < 2; o++) {
            String name = o == 0 ? "MSE" : "PG";
            System.out.printf(Locale.ROOT, "%-4s bf16/f32 epoch %.2fx (goal <= 0.6); mapped f16/heap f32 %.2fx "
                    + "(goal <= 1); user path %.4f s/epoch on %d%% of the rows = %.4f s scaled to all rows, "
                    + "%.2fx the benchmark's f32 epoch%n", name, bf16[o] / f32[o], f16[o] / f32[o], user[o],
                    Math.round(100 * user[2]), user[o] / user[2], user[o] / user[2] / f32[o]);
        }
        System.out.println();
        System.out.println("GB/s = bytes of the store / seconds per epoch (one read of the matrix per epoch); sum GB/s "
                + "= median of 21 SIMD sums over the same bytes in this process; s/epoch is steady state (epochs "
                + "2..N); total s includes the one-off standardization fit.");
    }

    /** Times MSE and PG on {@code data}'s store; returns {mse, pg} seconds per epoch. */
    private static double[] timeStore(SampleSet data, String label, int epochs, boolean fused) {
        double[] sums = ReadBandwidth.measure(data.features(), 21);
        double sum = sums[sums.length / 2];
        ProbeBackend backend = fused ? CpuBackend.INSTANCE : CpuBackend.TWO_PASS;
        double gb = data.features().bytes() / 1e9;
        double[] perEpoch = new double[2];
        Objective[] objectives = {Objective.MSE, Objective.PG};
        for (int o = 0; o < objectives.length; o++) {
            TrainerConfig config = TrainerConfig.defaults().withEpochs(epochs).withLearningRate(1e-3);
            // Warm-up so the JIT has compiled the kernels before timing.
            new Trainer(config.withEpochs(10), backend).train(data, ProbeSpec.linear(), objectives[o]);
            long[] epochEnd = new long[epochs + 1];
            long start = System.nanoTime();
            new Trainer(config, backend).train(data, ProbeSpec.linear(), objectives[o],
                    (epoch, total, loss) -> epochEnd[epoch] = System.nanoTime());
            double total = (epochEnd[epochs] - start) / 1e9;
            perEpoch[o] = steadyEpoch(epochEnd, epochs, total);
            System.out.printf(Locale.ROOT, "%-16s %-26s %9.4f %8.2f %8.1f %9.1f %7.0f%%%n", objectives[o].name(),
                    label, perEpoch[o], total, gb / perEpoch[o], sum, 100 * gb / perEpoch[o] / sum);
        }
        System.out.printf(Locale.ROOT, "%-16s %s%n", "", ReadBandwidth.kernelOf(data.features()));
        return perEpoch;
    }

    /**
     * The user's path on the same data: written as float32 .npy + CSV, loaded like {@code qprobe
     * train}, split by prompt (a quarter held out, seed 0) and trained through the DSL. Returns
     * {mse, pg} seconds per epoch and the share of rows trained on.
     */
    private static double[] userPath(SampleSet data, int epochs, Path dir) throws IOException {
        Path work = Files.createTempDirectory(dir, "qprobe-bench-user-");
        Path npy = work.resolve("features.npy");
        Path csv = work.resolve("samples.csv");
        try {
            SampleSetIO.save(data, npy, csv);
            SampleSet all = SampleSetIO.load(npy, FeaturePrecision.F32, csv, null);
            SampleSet.Split split = all.splitByPrompt(0.25, 0);
            TrainerConfig config = TrainerConfig.defaults().withEpochs(epochs).withLearningRate(1e-3);
            QProbe.features("benchmark", split.train(), split.test())
                    .probe(ProbeSpec.linear(), config.withEpochs(10), (e, t, l) -> { }, Objective.MSE, Objective.PG);
            double gb = split.train().features().bytes() / 1e9;
            double[] result = new double[3];
            Objective[] objectives = {Objective.MSE, Objective.PG};
            for (int o = 0; o < 2; o++) {
                long[] epochEnd = new long[epochs + 1];
                long start = System.nanoTime();
                QProbe.features("benchmark", split.train(), split.test()).probe(ProbeSpec.linear(), config,
                        (epoch, total, loss) -> epochEnd[epoch] = System.nanoTime(), objectives[o]);
                double total = (epochEnd[epochs] - start) / 1e9;
                result[o] = steadyEpoch(epochEnd, epochs, total);
                System.out.printf(Locale.ROOT, "%-16s %-26s %9.4f %8.2f %8.1f%n", objectives[o].name(),
                        "user path (qprobe train)", result[o], total, gb / result[o]);
            }
            result[2] = (double) split.train().size() / all.size();
            return result;
        } finally {
            Files.deleteIfExists(npy);
            Files.deleteIfExists(csv);
            Files.deleteIfExists(work);
        }
    }

    /** Seconds per epoch from the end of epoch 1 to the end of the last, so one-off set-up is not counted. */
    static double steadyEpoch(long[] epochEnd, int epochs, double total) {
        return epochs > 1 ? (epochEnd[epochs] - epochEnd[1]) / 1e9 / (epochs - 1) : total;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    static int arg(String[] args, int i, int fallback) {
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
                    + "' (usage: prompts candidates dim epochs [--scale 1,4,16] [--dir DIR])");
        }
    }
}
