package dev.qprobe.task.code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The sandbox's thread pool: workers, then judge runs, each phase at most so many at once. */
final class Parallel {
    private Parallel() {
    }

    /** Runs tasks, at most {@code parallelism} at a time; their results in order. */
    static <T> List<T> run(List<Callable<T>> tasks, int parallelism) {
        try {
            List<T> results = new ArrayList<>(tasks.size());
            if (tasks.size() <= 1 || parallelism == 1) {
                for (Callable<T> task : tasks) {
                    results.add(task.call());
                }
                return results;
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, tasks.size()), r -> {
                Thread t = new Thread(r, "qprobe-sandbox");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<T>> futures = new ArrayList<>(tasks.size());
                for (Callable<T> task : tasks) {
                    futures.add(pool.submit(task));
                }
                for (Future<T> f : futures) {
                    results.add(f.get());
                }
                return results;
            } finally {
                // Interrupts the runs still going, which then kill their processes.
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running sandbox jobs", e);
        } catch (ExecutionException e) {
            return rethrow(e.getCause());
        } catch (Exception e) {
            return rethrow(e);
        }
    }

    private static <T> T rethrow(Throwable e) {
        if (e instanceof IOException io) {
            throw new UncheckedIOException("cannot run a sandboxed python3", io);
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(e);
    }
}
