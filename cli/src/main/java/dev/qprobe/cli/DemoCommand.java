package dev.qprobe.cli;

import dev.qprobe.demo.Demo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The built-in Q-probe experiment end to end: sample 48 completions per prompt of the "
                + "arithmetic task from the built-in model (cached), train PG, MSE, CE and PAIRWISE linear probes "
                + "on hidden-state features, evaluate selection against base and oracle, write the table to OUT_DIR."})
final class DemoCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "OUT_DIR", description = "output directory (default: ${DEFAULT-VALUE})",
            defaultValue = "qprobe-out")
    Path out;

    @Option(names = "--synthetic", description = "generated candidates instead of the model (seconds, no sampling)")
    boolean synthetic;

    @Override
    public Integer call() throws Exception {
        Demo.run(synthetic, out);
        return 0;
    }
}
