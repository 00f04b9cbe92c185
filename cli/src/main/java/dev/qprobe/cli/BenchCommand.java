package dev.qprobe.cli;

import dev.qprobe.bench.HfSamplingBenchmark;
import dev.qprobe.bench.LinearProbeBenchmark;
import dev.qprobe.bench.SamplingBenchmark;
import dev.qprobe.bench.TextEmbeddingBenchmark;
import dev.qprobe.model.builtin.TrainBuiltinModel;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks and maintenance:",
                "  bench probe [PROMPTS CANDIDATES DIM EPOCHS]   linear-probe training vs memory bandwidth",
                "  bench sampling [PROMPTS]                      built-in model sampling, with and without KV cache",
                "  bench embed [SECONDS]                         bundled text-embedding throughput",
                "  bench hf-sampling [NEW_TOKENS] [SHAPES]       HF checkpoints (random weights) vs a PyTorch loop",
                "  bench train-builtin [OUT_FILE]                re-train the built-in model from scratch"})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "probe, sampling, embed, hf-sampling or train-builtin")
    String what;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments of that benchmark")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        String[] rest = args.toArray(String[]::new);
        switch (what) {
            case "probe" -> LinearProbeBenchmark.main(rest);
            case "sampling" -> SamplingBenchmark.main(rest);
            case "embed" -> TextEmbeddingBenchmark.main(rest);
            case "hf-sampling" -> HfSamplingBenchmark.main(rest);
            case "train-builtin" -> TrainBuiltinModel.main(rest);
            default -> throw new IllegalArgumentException("unknown benchmark '" + what
                    + "': choose probe, sampling, embed, hf-sampling or train-builtin");
        }
        return 0;
    }
}
