package dev.qprobe.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * Sizes the PyTorch engine's thread pools, once per process: intra-op threads (those that split
 * one operation) = the cores this JVM may use, inter-op threads (those that run independent
 * operations side by side) = 1. Every DJL PyTorch model calls {@link #configure()} before its first
 * tensor, so the setting is made in this one place.
 *
 * <p>Why: DJL never sets them, so PyTorch sizes its pools from the machine, not from what this
 * process may use, and its OpenMP workers spin waiting for each other. With another CPU-bound
 * process on a 2-core machine, a worker that lost its core stalls every operation and sampling the
 * built-in model fell 20-25 times (BENCHMARKS.md). Spinning is OpenMP's wait policy, read from
 * {@code OMP_WAIT_POLICY} when the native library loads and not settable from Java afterwards: the
 * {@code qprobe} launcher sets it to {@code PASSIVE}. Where it is not passive, one intra-op thread
 * is used instead of all cores, since one thread has nobody to wait for.
 *
 * <p>Overrides, strongest first: the system property {@value #PROPERTY} (what {@code qprobe
 * --threads N} sets), then the environment variable {@value #ENV}. A positive number sets the
 * intra-op threads; {@code 0} leaves both pools at PyTorch's own defaults (for comparison).
 */
public final class TorchThreads {
    /** Environment variable: intra-op threads, or 0 for PyTorch's defaults. */
    public static final String ENV = "QPROBE_THREADS";
    /** System property, taking precedence over {@value #ENV}. */
    public static final String PROPERTY = "qprobe.threads";

    private static Settings applied;

    private TorchThreads() {
    }

    /**
     * The thread counts in force after {@link #configure()}, and where the wish came from.
     *
     * @param intraOp threads PyTorch uses within one operation
     * @param interOp threads PyTorch uses to run operations in parallel
     * @param source  what decided them, e.g. "QPROBE_THREADS=1" or "cores available to the JVM"
     */
    public record Settings(int intraOp, int interOp, String source) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d intra-op / %d inter-op threads (%s)", intraOp, interOp, source);
        }
    }

    /** What was asked for: intra-op threads ({@code 0} = PyTorch's defaults) and why. */
    record Wish(int intraOp, String source) {
    }

    /**
     * Sets the thread pools of the PyTorch engine (loading it if needed) and returns the counts in
     * force. The first call decides; later calls return the same settings. Call it before any
     * PyTorch work: the inter-op pool can be sized only once per process.
     *
     * @throws IllegalArgumentException if {@value #PROPERTY} or {@value #ENV} is not a whole number >= 0
     */
    public static synchronized Settings configure() {
        if (applied == null) {
            Wish wish = wish(System.getProperty(PROPERTY), System.getenv(ENV), Runtime.getRuntime().availableProcessors(),
                    "passive".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY")));
            Engine.getEngine("PyTorch"); // loads the native library
            if (wish.intraOp() > 0) {
                JniUtils.setNumThreads(wish.intraOp());
                try {
                    JniUtils.setNumInteropThreads(1);
                } catch (RuntimeException e) {
                    // Someone (e.g. -Dai.djl.pytorch.num_interop_threads) sized it already: it stays.
                }
            }
            applied = new Settings(JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), wish.source());
        }
        return applied;
    }

    /**
     * The wish from the property, else the environment, else the cores where OpenMP's workers wait
     * passively and one thread where they spin; pure, for tests.
     */
    static Wish wish(String property, String env, int cores, boolean passiveWait) {
        if (property != null && !property.isBlank()) {
            return new Wish(parse(property, "--threads / -D" + PROPERTY), "--threads " + property.strip());
        }
        if (env != null && !env.isBlank()) {
            return new Wish(parse(env, ENV), ENV + "=" + env.strip());
        }
        return passiveWait ? new Wish(Math.max(1, cores), "cores available to the JVM")
                : new Wish(1, "one thread: OMP_WAIT_POLICY is not PASSIVE, so more would spin");
    }

    private static int parse(String value, String what) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is \"" + value + "\"; give a number of threads >= 1,"
                + " or 0 to keep PyTorch's own defaults");
    }
}
