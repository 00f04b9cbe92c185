package dev.qprobe.kernel.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cell's share of the {@link OutputLimit}, spent by its standard output and error together:
 * says how much of each chunk may still be shown, counts what was not, and writes the notice
 * that ends such a cell.
 */
final class CellOutputBudget {
    private final OutputLimit limit;
    private final int cell;
    private long shown;
    private long hidden;
    /** The files that hold the whole of each stream that passed the limit, by stream name. */
    private final Map<String, Path> files = new LinkedHashMap<>();

    CellOutputBudget(OutputLimit limit, int cell) {
        this.limit = limit;
        this.cell = cell;
    }

    /**
     * Takes {@code chunk} from the budget: how many of its characters may be shown (all, some
     * or none); the rest counts as hidden.
     */
    synchronized int admit(CharSequence chunk) {
        long left = limit.bytes() - shown;
        int fit = 0;
        long bytes = 0;
        int n = chunk.length();
        while (fit < n) {
            char c = chunk.charAt(fit);
            int width = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 4 : 3;
            int chars = width == 4 && fit + 1 < n ? 2 : 1;
            if (bytes + width > left) {
                break;
            }
            bytes += width;
            fit += chars;
        }
        shown += bytes;
        if (fit < n) {
            hidden += Utf8.length(chunk, fit, n);
        }
        return fit;
    }

    /** The file for the whole of {@code stream} ("stdout", "stderr"), once that stream passed the limit. */
    synchronized Path fileFor(String stream) {
        return files.computeIfAbsent(stream, s -> limit.file(cell, s));
    }

    /** The bytes of one stream's file that its spill may still write. */
    long maxFileBytes() {
        return OutputLimit.MAX_FILE_BYTES;
    }

    /** Whether some text was not shown. */
    synchronized boolean exceeded() {
        return hidden > 0;
    }

    /** The line that ends a cell that passed the limit: what was shown, what not, and where all of it is. */
    synchronized String notice() {
        StringBuilder where = new StringBuilder();
        files.forEach((stream, file) -> where.append(where.length() == 0 ? "" : "; ").append(stream).append(": ")
                .append(file));
        return "[output limit] this cell printed " + OutputLimit.describe(shown + hidden) + "; the first "
                + OutputLimit.describe(shown) + " are shown above and " + OutputLimit.describe(hidden)
                + " were not. The whole output is in " + where + " (until the kernel shuts down). Set "
                + OutputLimit.ENV + " (now " + OutputLimit.describe(limit.bytes()) + ") to show more.";
    }
}
