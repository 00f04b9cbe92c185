package dev.qprobe.task.code;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command for the sandbox: a clean environment, an optional working directory, stdin
 * from given bytes (or {@code /dev/null}), stdout and stderr merged and cut to a limit, and a
 * wall-clock limit after which the whole process tree is killed.
 */
final class SandboxProcess {
    private SandboxProcess() {
    }

    /**
     * How a command ended.
     *
     * @param exitCode  its exit code (128 + the signal for a killed process)
     * @param timedOut  whether the wall-clock limit ran out and the tree was killed
     * @param output    the merged stdout and stderr, cut to the limit
     * @param truncated whether output was cut
     */
    record Finished(int exitCode, boolean timedOut, String output, boolean truncated) {
    }

    /**
     * Runs {@code command} and waits for it, at most {@code timeout} plus the time to kill it.
     *
     * @param directory working directory, or null for this JVM's
     * @param env       the whole environment the command sees
     * @param stdin     bytes written to its stdin, or null for {@code /dev/null}
     * @throws IOException           if the command cannot be started
     * @throws IllegalStateException if this thread is interrupted (the tree is killed first)
     */
    static Finished run(List<String> command, Path directory, Map<String, String> env, byte[] stdin,
                        Duration timeout, int maxOutputBytes) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        Capture capture = new Capture(process.getInputStream(), maxOutputBytes);
        Thread reader = new Thread(capture, "qprobe-sandbox-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut;
        try {
            if (stdin != null) {
                feed(process, stdin);
            }
            timedOut = !process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (timedOut) {
                killTree(process);
            }
            process.waitFor();
            // Output ends when every holder of the pipe has gone; do not wait on a straggler.
            reader.join(2_000);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running a sandbox process", e);
        } finally {
            if (reader.isAlive()) {
                process.getInputStream().close();
            }
        }
        return new Finished(process.exitValue(), timedOut, capture.head(), capture.truncated());
    }

    /** Writes the input from another thread, so a process that does not read it cannot block us. */
    private static void feed(Process process, byte[] stdin) {
        Thread writer = new Thread(() -> {
            try (OutputStream out = process.getOutputStream()) {
                out.write(stdin);
            } catch (IOException e) {
                // The process ended or closed its stdin: what it did not read it did not need.
            }
        }, "qprobe-sandbox-input");
        writer.setDaemon(true);
        writer.start();
    }

    /** Kills the process's descendants, then the process: in that order, so none is orphaned first. */
    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Reads a stream to its end, keeping the first {@code limit} bytes. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private long total;

        Capture(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        head.write(buffer, 0, (int) Math.max(0, Math.min(n, limit - total)));
                        total += n;
                    }
                }
            } catch (IOException e) {
                // The stream was closed under us after the process ended: keep what we have.
            }
        }

        synchronized String head() {
            return head.toString(StandardCharsets.UTF_8);
        }

        synchronized boolean truncated() {
            return total > limit;
        }
    }
}
