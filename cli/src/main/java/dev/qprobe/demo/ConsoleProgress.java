package dev.qprobe.demo;

import dev.qprobe.collect.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long steps on the console: on a terminal, one updating bar with rate and ETA (the
 * progressbar library); on a pipe or in a log file, a plain line every 10% so logs stay readable.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintStream out;
    private final boolean terminal;
    private String stage;
    private ProgressBar bar;
    private long startNanos;
    private long lastDecile = -1;

    public ConsoleProgress() {
        this(System.out, System.console() != null);
    }

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void onProgress(String stage, long done, long total) {
        if (!stage.equals(this.stage)) {
            finish();
            this.stage = stage;
            startNanos = System.nanoTime();
            lastDecile = -1;
            if (terminal) {
                bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .showSpeed().setUnit(" prompts", 1).build();
            }
        }
        if (bar != null) {
            bar.stepTo(done);
        } else if (total > 0 && done * 10 / total != lastDecile) {
            lastDecile = done * 10 / total;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            double rate = done / Math.max(seconds, 1e-9);
            if (done == 0) {
                out.println(stage + ": 0/" + total);
                return;
            }
            out.println(String.format(Locale.ROOT, "%s: %d/%d (%.0f%%), %.1f/s, ETA %s", stage, done, total,
                    100.0 * done / total, rate, done == total ? "done"
                            : String.format(Locale.ROOT, "%.0f s", (total - done) / Math.max(rate, 1e-9))));
        }
        if (done == total) {
            finish();
            this.stage = null;
        }
    }

    private void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
