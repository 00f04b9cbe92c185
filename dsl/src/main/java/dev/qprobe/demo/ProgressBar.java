package dev.qprobe.demo;

import dev.qprobe.collect.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA on a terminal; on a pipe or log file, a plain line
 * every 10% so logs stay readable.
 */
final class ProgressBar implements ProgressListener {
    private final PrintStream out = System.out;
    private final boolean terminal = System.console() != null;
    private String stage;
    private long startNanos;
    private long lastDecile = -1;

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        if (!stage.equals(this.stage)) {
            this.stage = stage;
            startNanos = System.nanoTime();
            lastDecile = -1;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        String line = String.format(Locale.ROOT, "%s  %s %d/%d  %.1f/s  ETA %s", stage, bar(done, total), done, total,
                rate, done == total ? "done" : String.format(Locale.ROOT, "%.0fs", eta));
        if (terminal) {
            out.print("\r" + line + (done == total ? "\n" : ""));
            out.flush();
        } else if (done * 10 / total != lastDecile) {
            lastDecile = done * 10 / total;
            out.println(line);
        }
    }

    private static String bar(long done, long total) {
        int width = 24;
        int filled = (int) (width * done / Math.max(total, 1));
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }
}
