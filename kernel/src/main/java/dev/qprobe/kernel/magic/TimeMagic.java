package dev.qprobe.kernel.magic;

import dev.qprobe.kernel.eval.EvalResult;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/** {@code %%time}: runs the rest of the cell, then prints how long it took. */
final class TimeMagic implements CellMagic {
    @Override
    public String name() {
        return "time";
    }

    @Override
    public String description() {
        return "run the rest of the cell, then print how long it took";
    }

    @Override
    public EvalResult run(Supplier<EvalResult> body, MagicContext context) {
        long start = System.nanoTime();
        EvalResult result = body.get();
        context.print("Wall time: " + format(Duration.ofNanos(System.nanoTime() - start)) + "\n");
        return result;
    }

    /** {@code 412 ms}, {@code 3.25 s}, {@code 2 min 5.0 s}. */
    static String format(Duration time) {
        long millis = time.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %.1f s", millis / 60_000, (millis % 60_000) / 1000.0);
    }
}
