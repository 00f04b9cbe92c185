package dev.qprobe.kernel.magic;

import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.InputSource;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a magic may use while its cell runs: the evaluator, the working directory, the registry,
 * and the cell's output, where what it prints goes (streamed, and kept for the cell's result).
 */
public final class MagicContext {
    private final JShellEvaluator evaluator;
    private final Path workingDirectory;
    private final MagicRegistry registry;
    private final Consumer<String> stdout;
    private final Consumer<String> stderr;
    private final InputSource stdin;
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder err = new StringBuilder();

    MagicContext(JShellEvaluator evaluator, Path workingDirectory, MagicRegistry registry, Consumer<String> stdout,
            Consumer<String> stderr, InputSource stdin) {
        this.evaluator = evaluator;
        this.workingDirectory = workingDirectory;
        this.registry = registry;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdin = stdin;
    }

    public JShellEvaluator evaluator() {
        return evaluator;
    }

    /** Where relative paths start: the kernel's (and the engine's) working directory, usually the notebook's. */
    public Path workingDirectory() {
        return workingDirectory;
    }

    public MagicRegistry registry() {
        return registry;
    }

    /** Prints {@code text} on the cell's standard output. */
    public void print(String text) {
        out.append(text);
        if (stdout != null) {
            stdout.accept(text);
        }
    }

    /** Runs Java in the engine with the cell's output and input, without publishing displays; its output joins the cell's. */
    public EvalResult eval(String java) {
        EvalResult r = evaluator.eval(java, stdout, stderr, null, stdin);
        out.append(r.stdout());
        err.append(r.stderr());
        return r;
    }

    /** Everything printed so far on standard output and error. */
    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    Consumer<String> stdout() {
        return stdout;
    }

    Consumer<String> stderr() {
        return stderr;
    }

    InputSource stdin() {
        return stdin;
    }

    /** Keeps the output of the cell's Java, which streamed already. */
    void kept(EvalResult java) {
        out.append(java.stdout());
        err.append(java.stderr());
    }
}
