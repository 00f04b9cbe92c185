package dev.qprobe.kernel.eval;

import java.util.function.BooleanSupplier;

/**
 * Where a cell's {@code System.in} comes from: lines the user types, one at a time, asked for
 * when the cell reads past what it already has.
 */
@FunctionalInterface
public interface InputSource {

    /**
     * Waits for the user's next line.
     *
     * @param stopped turns true when the cell is interrupted: stop waiting then
     * @return the line without its line end, or null for the end of the input
     */
    String readLine(BooleanSupplier stopped);

    /**
     * No input at all: a cell reading {@code System.in} finds its end, and the evaluator adds
     * {@code why} to the cell's standard error, once a cell.
     */
    static InputSource none(String why) {
        return new None(why);
    }

    /** See {@link #none}. */
    record None(String why) implements InputSource {
        @Override
        public String readLine(BooleanSupplier stopped) {
            return null;
        }
    }
}
