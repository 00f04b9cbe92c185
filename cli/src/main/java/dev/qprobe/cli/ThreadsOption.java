package dev.qprobe.cli;

import dev.qprobe.model.TorchThreads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code --threads N}, accepted by every command: PyTorch's intra-op threads for this run ({@link TorchThreads}). */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "PyTorch intra-op threads for sampling and features, overriding $QPROBE_THREADS "
                    + "(default: the cores this JVM may use; 0 keeps PyTorch's defaults)")
    void threads(int n) {
        if (n < 0) {
            throw new ParameterException(command.commandLine(), "--threads is " + n
                    + "; give a number of threads >= 1, or 0 to keep PyTorch's own defaults");
        }
        System.setProperty(TorchThreads.PROPERTY, Integer.toString(n));
    }
}
