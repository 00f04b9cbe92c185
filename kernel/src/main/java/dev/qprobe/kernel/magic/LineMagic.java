package dev.qprobe.kernel.magic;

import java.util.List;

/**
 * A line magic, {@code %name arguments...} at the top of a cell: runs before the cell's Java.
 * Register a new one in {@link MagicRegistry#standard()}.
 */
public interface LineMagic {
    /** The name, without {@code %}. */
    String name();

    /** What the arguments look like, e.g. {@code PATH...}; empty for none. */
    String arguments();

    /** One line for {@code %lsmagic}. */
    String description();

    /**
     * Runs the magic.
     *
     * @throws MagicException if the arguments are wrong or the magic cannot do its work; the
     *                        message names the magic and says why, and the cell stops there
     */
    void run(List<String> arguments, MagicContext context) throws MagicException;
}
