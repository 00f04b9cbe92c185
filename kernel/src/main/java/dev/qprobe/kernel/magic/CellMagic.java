package dev.qprobe.kernel.magic;

import dev.qprobe.kernel.eval.EvalResult;
import java.util.function.Supplier;

/** A cell magic, {@code %%name} on the first line of a cell: wraps the rest of the cell. */
public interface CellMagic {
    /** The name, without {@code %%}. */
    String name();

    /** One line for {@code %lsmagic}. */
    String description();

    /**
     * Runs the rest of the cell ({@code body}: its line magics and Java) in the magic's way.
     *
     * @return what the cell produced
     */
    EvalResult run(Supplier<EvalResult> body, MagicContext context);
}
