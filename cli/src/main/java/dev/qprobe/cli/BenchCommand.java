package dev.qprobe.cli;

import dev.qprobe.bench.DjlProbeBenchmark;
import dev.qprobe.bench.HfSamplingBenchmark;
import dev.qprobe.bench.LinearProbeBenchmark;
import dev.qprobe.bench.SamplingBenchmark;
import dev.qprobe.bench.TextEmbeddingBenchmark;
import dev.qprobe.model.builtin.TrainBuiltinModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code qprobe bench}: one subcommand per benchmark, each with its own --help. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (figures in BENCHMARKS.md) and re-training the built-in model.",
        subcommands = {BenchCommand.Probe.class, BenchCommand.Backends.class, BenchCommand.Sampling.class,
                BenchCommand.HfSampling.class, BenchCommand.Embed.class,
                BenchCommand.TrainBuiltin.class})
final class BenchCommand {

    /** The random feature set the probe benchmarks train on: PROMPTS x CANDIDATES rows of DIM features. */
    static final class FeatureShape {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PROMPTS", defaultValue = "464",
                description = "prompts (default: ${DEFAULT-VALUE})")
        int prompts;

        @Parameters(index = "1", arity = "0..1", paramLabel = "CANDIDATES", defaultValue = "48",
                description = "candidates per prompt (default: ${DEFAULT-VALUE})")
        int candidates;

        @Parameters(index = "2", arity = "0..1", paramLabel = "DIM", defaultValue = "4096",
                description = "feature dimension (default: ${DEFAULT-VALUE})")
        int dim;
    }

    @Command(name = "probe", mixinStandardHelpOptions = true,
            description = {"Linear-probe training speed against this machine's memory bandwidth: trains MSE and PG "
                    + "linear probes on random features and prints seconds per epoch per feature store (heap f32 fused "
                    + "and two-pass, heap bf16, mapped f16) next to a SIMD sum over the same bytes, and the user's "
                    + "path (.npy + CSV loaded and trained as qprobe train does).",
                    "Run with JAVA_OPTS=-Xmx8g or more for the default 464 x 48 x 4096 (365 MB) set."})
    static final class Probe implements Callable<Integer> {
        @Mixin
        FeatureShape shape;

        @Parameters(index = "3", arity = "0..1", paramLabel = "EPOCHS", defaultValue = "150",
                description = "epochs per objective (default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--scale", paramLabel = "N1,N2,..",
                description = "instead: epoch time and peak memory at these multiples of the rows (e.g. 1,4,16; "
                        + "the larger ones mapped, bf16)")
        String scale;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "where temporary .npy files go (default: java.io.tmpdir); deleted afterwards")
        String dir;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(List.of(strings(shape.prompts, shape.candidates, shape.dim, epochs)));
            if (scale != null) {
                args.addAll(List.of("--scale", scale));
            }
            if (dir != null) {
                args.addAll(List.of("--dir", dir));
            }
            LinearProbeBenchmark.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "backends", mixinStandardHelpOptions = true,
            description = {"Probe training on the DJL backend against the CPU backend (fused SIMD kernel for linear "
                    + "probes, ND4J for MLPs) on the same random features: seconds per epoch and how far the final "
                    + "losses differ. On a GPU (src/bin/bench-gpu.sh) the DJL side runs on CUDA."})
    static final class Backends implements Callable<Integer> {
        @Mixin
        FeatureShape shape;

        @Parameters(index = "3", arity = "0..1", paramLabel = "EPOCHS", defaultValue = "30",
                description = "epochs per objective (default: ${DEFAULT-VALUE})")
        int epochs;

        @Parameters(index = "4", arity = "0..1", paramLabel = "DEVICE", defaultValue = "cpu",
                description = "the DJL side's device, e.g. cpu or gpu(0) (default: ${DEFAULT-VALUE})")
        String device;

        @Override
        public Integer call() {
            DjlProbeBenchmark.main(new String[] {Integer.toString(shape.prompts), Integer.toString(shape.candidates),
                    Integer.toString(shape.dim), Integer.toString(epochs), device});
            return 0;
        }
    }

    @Command(name = "sampling", mixinStandardHelpOptions = true,
            description = {"Sampling and embedding throughput of the built-in model in the demo's shape (worked-addition "
                    + "test prompts, 200 samples each): one prompt in flight against one per core, and with and "
                    + "without the KV cache; PyTorch threads as QPROBE_THREADS / --threads say.",
                    "'bench sampling contention [SECONDS ROUNDS THREADS]' measures it alone and beside a "
                    + "CPU-bound competitor process, before and after the thread settings."})
    static final class Sampling implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "ARGS",
                description = "[PROMPTS (default 10) [ROUNDS (default 2)]], or: contention [SECONDS ROUNDS THREADS]")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SamplingBenchmark.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "hf-sampling", mixinStandardHelpOptions = true,
            description = "Sampling throughput (tokens/s, k = 48) of Hugging Face-shaped models with random weights "
                    + "on DJL against a PyTorch eager KV-cache loop (/usr/bin/python3 with torch) on the same weights.")
    static final class HfSampling implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NEW_TOKENS", defaultValue = "32",
                description = "new tokens per sample (default: ${DEFAULT-VALUE})")
        int newTokens;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SHAPES", defaultValue = "gpt2-small,qwen2.5-0.5b",
                description = "model shapes, comma-separated (default: ${DEFAULT-VALUE})")
        String shapes;

        @Override
        public Integer call() throws Exception {
            HfSamplingBenchmark.main(new String[] {Integer.toString(newTokens), shapes});
            return 0;
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Throughput of the bundled all-MiniLM-L6-v2 text embeddings (embeddings per second).")
    static final class Embed implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "SECONDS", defaultValue = "5",
                description = "how long to measure (default: ${DEFAULT-VALUE})")
        double seconds;

        @Override
        public Integer call() {
            TextEmbeddingBenchmark.main(new String[] {Double.toString(seconds)});
            return 0;
        }
    }

    @Command(name = "train-builtin", mixinStandardHelpOptions = true,
            description = "Re-train the built-in model from scratch (seeded; about 7 minutes on 2 cores) and report "
                    + "its success rate on the test prompts.")
    static final class TrainBuiltin implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "OUT_FILE",
                description = "where to write the weights (default: the built-in model's resource in this checkout)")
        String out;

        @Override
        public Integer call() throws Exception {
            TrainBuiltinModel.main(out == null ? new String[0] : new String[] {out});
            return 0;
        }
    }

    private static String[] strings(int... values) {
        List<String> out = new ArrayList<>();
        for (int v : values) {
            out.add(Integer.toString(v));
        }
        return out.toArray(String[]::new);
    }
}
