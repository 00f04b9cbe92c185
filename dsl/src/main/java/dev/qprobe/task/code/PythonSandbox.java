package dev.qprobe.task.code;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python code followed by unit tests ({@code assert} lines, MBPP style) in a separate
 * {@code python3} process, and says whether every test passed.
 *
 * <h2>Defence layers</h2>
 * Each job runs in its own process, started with {@code python3 -I -S -B} (isolated mode: no
 * user site, no {@code PYTHON*} variables, no script directory on the path; no site-packages; no
 * bytecode written), stdin from {@code /dev/null}, a clean environment ({@code PATH},
 * {@code LANG=C.UTF-8}, {@code HOME} = the scratch directory) and a fresh scratch directory as
 * working directory, deleted afterwards. A small wrapper of ours ({@code sandbox.py}, a resource
 * of this package) then:
 * <ul>
 *   <li>sets hard resource limits: address space ({@link Builder#memoryBytes}, so runaway
 *       allocation gets a {@code MemoryError}), CPU time (the wall limit rounded up, so a busy
 *       loop is killed by {@code SIGXCPU} even if this JVM stalls), the size of any one written
 *       file ({@link Builder#maxFileBytes}) and core dumps (none);</li>
 *   <li>installs an audit hook ({@code sys.addaudithook}) that refuses, with a
 *       {@code PermissionError}: opening a path for writing, and removing, renaming, making
 *       directories, chmod, chown, utime, truncate or xattr changes, outside the scratch
 *       directory (real paths, so {@code ..} and existing symlinks do not escape); hard links and
 *       symlinks; any socket operation ({@code socket.*}: create, connect, bind, DNS look-up);
 *       new processes ({@code os.fork}, {@code forkpty}, {@code system}, {@code exec*},
 *       {@code posix_spawn}, {@code spawn*}, {@code subprocess.Popen}) and signals to other
 *       processes; {@code ctypes} and the modules that bypass the hook
 *       ({@code _posixsubprocess}, subinterpreters, CPython's {@code _test*} helpers); reading
 *       {@code /proc/<pid>/mem}; raising the limits again; and the introspection that reaches the
 *       hook itself ({@code gc.get_objects}/{@code get_referrers}/{@code get_referents},
 *       {@code sys._current_frames}, replacing a function's {@code __code__}). A job that
 *       triggers any of these fails as {@link Outcome#BLOCKED}, even if it catches the error and
 *       its tests pass;</li>
 *   <li>runs the code, the setup code and each test in turn in one fresh namespace (with
 *       {@code __name__} set to {@code "__solution__"}, so a completion's
 *       {@code if __name__ == "__main__":} block does not run);</li>
 *   <li>ends with a status line that starts with a random per-job nonce, which the wrapper reads
 *       from a job file it deletes before any untrusted code runs. Only that line with
 *       {@code PASSED}, and exit code 0, count as a pass: a completion that calls
 *       {@code sys.exit(0)} or {@code os._exit(0)} before the tests finish fails.</li>
 * </ul>
 * On this side: the wall-clock limit ({@link Builder#timeout}) kills the whole process tree
 * ({@link ProcessHandle#descendants()}, then the process, forcibly); at most
 * {@link Builder#maxOutputBytes} of the merged stdout and stderr are kept, the rest is read and
 * discarded (so a chatty job neither blocks nor fills memory).
 *
 * <p>Network: where {@code unshare -rn} works (a new user and network namespace; it needs
 * unprivileged user namespaces or root), the process runs inside one and has no network at all,
 * whatever the hook lets through: {@link Isolation#NAMESPACE}. Elsewhere only the audit hook stops
 * network use: {@link Isolation#HOOKS_ONLY}. {@link #isolation()} says which is active.
 *
 * <h2>Not protected against</h2>
 * The audit hook is defence in depth, not a jail: it runs in the same process as the untrusted
 * code. Code written to defeat it, rather than code that is merely wrong, can: walk frames
 * ({@code sys._getframe}, tracebacks) up to the wrapper and read the nonce or change the hook's
 * closure state, and so fake a pass or write outside the scratch directory; make its results
 * compare equal to anything (an {@code __eq__} that returns {@code True}) and pass the asserts;
 * create FIFOs or device nodes (no audit event); read any file the user running the JVM can read;
 * use threads, and CPU on every core up to the time limits. Writes are only stopped by the hook:
 * there is no read-only file system or mount namespace, and when the JVM runs as root the process
 * is root too. For untrusted or adversarial code, run the whole JVM in a container or VM.
 *
 * <p>Instances are immutable and thread-safe; {@link #run} may be called from many threads.
 */
public final class PythonSandbox {
    /** The wrapper run as {@code python3 -c}: a resource next to this class. */
    private static final String WRAPPER = loadWrapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last bytes of output are kept apart from the capped head: the status line is there. */
    private static final int TAIL_BYTES = 4096;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    /** SIGXCPU and SIGXFSZ, as a JVM reports them in exit codes (128 + signal). */
    private static final int EXIT_CPU_LIMIT = 128 + 24;
    private static final int EXIT_FILE_LIMIT = 128 + 25;

    /** What happened to a job. */
    public enum Outcome {
        /** Every test ran and passed, and the process exited normally. */
        PASSED,
        /** A test's assert failed. */
        ASSERTION,
        /** An exception, a syntax error, an early exit or a crash. */
        ERROR,
        /** The wall-clock or CPU-time limit ran out. */
        TIMEOUT,
        /** The memory limit ran out ({@code MemoryError}). */
        MEMORY,
        /** The code tried an operation the sandbox refuses (see the class comment). */
        BLOCKED
    }

    /** How the process is kept apart from the rest of the machine. */
    public enum Isolation {
        /** Audit hook and limits, inside {@code unshare -rn}: no network at all. */
        NAMESPACE,
        /** Audit hook and limits only. */
        HOOKS_ONLY
    }

    /**
     * One program to run: {@code code} (a completion), then {@code setup}, then each test.
     *
     * @param code  Python source, run first
     * @param setup Python source run after the code and before the tests (MBPP's
     *              {@code test_setup_code}); empty for none
     * @param tests Python statements, normally one {@code assert} each, run one at a time
     */
    public record Job(String code, String setup, List<String> tests) {
        public Job {
            Objects.requireNonNull(code, "code");
            setup = setup == null ? "" : setup;
            tests = List.copyOf(tests);
        }
    }

    /**
     * The result of a job.
     *
     * @param outcome   what happened
     * @param detail    one line on why, for a job that did not pass (the failed assert, the
     *                  exception, the blocked operation); empty for a pass
     * @param output    the job's stdout and stderr, merged, cut to the output limit
     * @param truncated whether output was cut
     */
    public record Result(Outcome outcome, String detail, String output, boolean truncated) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(output, "output");
        }

        /** Whether every test passed. */
        public boolean passed() {
            return outcome == Outcome.PASSED;
        }
    }

    private final List<String> pythonCommand;
    private final Path python;
    private final String unshare;
    private final Duration timeout;
    private final long memoryBytes;
    private final long maxFileBytes;
    private final int maxOutputBytes;
    private final int parallelism;
    private final Path scratchParent;
    private final String path;

    private PythonSandbox(Builder b) {
        this.timeout = b.timeout;
        this.memoryBytes = b.memoryBytes;
        this.maxFileBytes = b.maxFileBytes;
        this.maxOutputBytes = b.maxOutputBytes;
        this.parallelism = b.parallelism;
        this.scratchParent = b.scratchParent;
        String inherited = System.getenv("PATH");
        this.path = inherited == null || inherited.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : inherited;
        this.python = findPython(b.python);
        this.pythonCommand = List.of(python.toString(), "-I", "-S", "-B", "-c", WRAPPER);
        String unshareFound = b.isolation == Isolation.HOOKS_ONLY ? null : findUnshare(python);
        if (b.isolation == Isolation.NAMESPACE && unshareFound == null) {
            throw new IllegalStateException("namespace isolation was asked for, but `unshare -rn "
                    + python + "` does not work here");
        }
        this.unshare = unshareFound;
    }

    /** A sandbox with the defaults: {@code python3} on the PATH, 5 s, 256 MB, 64 KB of output. */
    public static PythonSandbox create() {
        return builder().build();
    }

    /** Settings for a sandbox; see each method for its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The interpreter the sandbox runs (the real executable, after any pyenv-style shim). */
    public Path python() {
        return python;
    }

    /** Whether jobs run in their own network namespace or behind the audit hook alone. */
    public Isolation isolation() {
        return unshare != null ? Isolation.NAMESPACE : Isolation.HOOKS_ONLY;
    }

    /** The wall-clock limit per job. */
    public Duration timeout() {
        return timeout;
    }

    /** How many jobs {@link #runAll} runs at once. */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Runs one job and waits for it (at most the time limit, plus the time to kill and clean up).
     *
     * @throws UncheckedIOException  if the scratch directory or the process cannot be made
     * @throws IllegalStateException if this thread is interrupted (the job is killed first)
     */
    public Result run(Job job) {
        Objects.requireNonNull(job, "job");
        Path scratch;
        try {
            scratch = Files.createTempDirectory(scratchParent, "qprobe-sandbox-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a scratch directory in " + scratchParent, e);
        }
        try {
            return runIn(scratch, job);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + python + " in " + scratch, e);
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * Runs jobs, at most {@link #parallelism()} at a time, and returns their results in the
     * order of {@code jobs}.
     */
    public List<Result> runAll(List<Job> jobs) {
        List<Job> copy = List.copyOf(jobs);
        if (copy.size() <= 1 || parallelism == 1) {
            List<Result> results = new ArrayList<>(copy.size());
            for (Job job : copy) {
                results.add(run(job));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, copy.size()), r -> {
            Thread t = new Thread(r, "qprobe-sandbox");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Result>> futures = new ArrayList<>(copy.size());
            for (Job job : copy) {
                futures.add(pool.submit(() -> run(job)));
            }
            List<Result> results = new ArrayList<>(copy.size());
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running sandbox jobs", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            // Interrupts the jobs still running, whose run() then kills their processes.
            pool.shutdownNow();
        }
    }

    private Result runIn(Path scratch, Job job) throws IOException {
        String nonce = UUID.randomUUID().toString().replace("-", "");
        Path jobFile = scratch.resolve("job.json");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("nonce", nonce);
        spec.put("scratch", scratch.toString());
        spec.put("memoryBytes", memoryBytes);
        spec.put("cpuSeconds", Math.max(1, (timeout.toMillis() + 999) / 1000));
        spec.put("fileSizeBytes", maxFileBytes);
        spec.put("code", job.code());
        spec.put("setup", job.setup());
        spec.put("tests", job.tests());
        JSON.writeValue(jobFile.toFile(), spec);

        List<String> command = new ArrayList<>();
        if (unshare != null) {
            command.add(unshare);
            command.add("-rn");
        }
        command.addAll(pythonCommand);
        command.add(jobFile.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(scratch.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", path);
        env.put("LANG", "C.UTF-8");
        env.put("HOME", scratch.toString());

        Process process = pb.start();
        Capture capture = new Capture(process.getInputStream(), maxOutputBytes);
        Thread reader = new Thread(capture, "qprobe-sandbox-output");
        reader.setDaemon(true);
        reader.start();
        boolean timedOut;
        try {
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
            throw new IllegalStateException("interrupted while running a sandbox job", e);
        } finally {
            if (reader.isAlive()) {
                process.getInputStream().close();
            }
        }
        return interpret(capture, nonce, timedOut, process.exitValue());
    }

    private Result interpret(Capture capture, String nonce, boolean timedOut, int exitCode) {
        String head = capture.head();
        String tail = capture.tail();
        String marker = "\n" + nonce + " ";
        int at = head.lastIndexOf(marker);
        String output = at >= 0 ? head.substring(0, at) : head;
        // The status line itself may be what pushed the output over the limit.
        boolean truncated = capture.truncated() && at < 0;
        int inTail = tail.lastIndexOf(marker);
        if (timedOut) {
            return new Result(Outcome.TIMEOUT, "ran past the time limit of " + timeout.toMillis() + " ms",
                    output, truncated);
        }
        if (inTail >= 0) {
            String status = tail.substring(inTail + marker.length()).strip();
            int space = status.indexOf(' ');
            String name = space < 0 ? status : status.substring(0, space);
            String detail = space < 0 ? "" : status.substring(space + 1);
            Outcome outcome;
            try {
                outcome = Outcome.valueOf(name);
            } catch (IllegalArgumentException e) {
                outcome = Outcome.ERROR;
                detail = "unreadable status: " + status;
            }
            if (outcome == Outcome.PASSED && exitCode != 0) {
                return new Result(Outcome.ERROR, "exited with code " + exitCode + " after the tests",
                        output, truncated);
            }
            return new Result(outcome, detail, output, truncated);
        }
        if (exitCode == EXIT_CPU_LIMIT) {
            return new Result(Outcome.TIMEOUT, "ran past the CPU time limit", output, truncated);
        }
        if (exitCode == EXIT_FILE_LIMIT) {
            return new Result(Outcome.ERROR, "wrote a file larger than " + maxFileBytes + " bytes",
                    output, truncated);
        }
        String why = exitCode > 128 && exitCode < 128 + 65
                ? "was killed by signal " + (exitCode - 128) + " before the tests finished"
                : "exited with code " + exitCode + " before the tests finished";
        return new Result(Outcome.ERROR, why, output, truncated);
    }

    /** Kills the process's descendants, then the process: in that order, so none is orphaned first. */
    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Deletes a scratch directory, making directories writable first (jobs may chmod them). */
    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    try {
                        Files.setPosixFilePermissions(dir, EnumSet.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                    } catch (IOException | UnsupportedOperationException e) {
                        // Best effort: the deletes below say whether it mattered.
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A scratch directory left behind in the temp directory is untidy, not wrong.
            System.err.println("qprobe: could not delete sandbox scratch directory " + root + ": " + e);
        }
    }

    /** Finds the interpreter's real executable, running it once with the JVM's environment. */
    private static Path findPython(String executable) {
        String hint = "python3 not found: install it or pass the path (tried \"" + executable + "\")";
        ProbeResult probe;
        try {
            probe = probe(List.of(executable, "-I", "-S", "-c",
                    "import sys; print(sys.executable); sys.exit(0 if sys.version_info >= (3, 8) else 3)"));
        } catch (IOException e) {
            throw new IllegalStateException(hint + ": " + e.getMessage(), e);
        }
        if (probe.exitCode == 3) {
            throw new IllegalStateException(executable + " is older than Python 3.8, which the sandbox's"
                    + " audit hook needs");
        }
        String found = probe.output.strip();
        if (probe.exitCode != 0 || found.isEmpty() || found.contains("\n")) {
            throw new IllegalStateException(hint + ": exit code " + probe.exitCode + ", output: " + found);
        }
        return Path.of(found);
    }

    /** {@code unshare}'s path where {@code unshare -rn python -c pass} works here, else null. */
    private static String findUnshare(Path python) {
        try {
            ProbeResult probe = probe(List.of("unshare", "-rn", python.toString(), "-I", "-S", "-c", "pass"));
            return probe.exitCode == 0 ? "unshare" : null;
        } catch (IOException e) {
            return null;
        }
    }

    private record ProbeResult(int exitCode, String output) {
    }

    private static ProbeResult probe(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        Capture capture = new Capture(p.getInputStream(), 64 * 1024);
        Thread reader = new Thread(capture, "qprobe-sandbox-probe");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                throw new IOException(String.join(" ", command) + " did not finish in " + PROBE_TIMEOUT);
            }
            reader.join(2_000);
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new ProbeResult(p.exitValue(), capture.head());
    }

    private static String loadWrapper() {
        try (InputStream in = PythonSandbox.class.getResourceAsStream("sandbox.py")) {
            if (in == null) {
                throw new IllegalStateException("resource sandbox.py is missing next to " + PythonSandbox.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a stream to its end, keeping the first {@code limit} bytes and the last few. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final byte[] tail = new byte[TAIL_BYTES];
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
                        int keep = (int) Math.max(0, Math.min(n, limit - total));
                        head.write(buffer, 0, keep);
                        for (int i = 0; i < n; i++) {
                            tail[(int) ((total + i) % TAIL_BYTES)] = buffer[i];
                        }
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

        synchronized String tail() {
            int n = (int) Math.min(total, TAIL_BYTES);
            byte[] last = new byte[n];
            for (int i = 0; i < n; i++) {
                last[i] = tail[(int) ((total - n + i) % TAIL_BYTES)];
            }
            return new String(last, StandardCharsets.UTF_8);
        }

        synchronized boolean truncated() {
            return total > limit;
        }
    }

    /** Settings for a {@link PythonSandbox}. */
    public static final class Builder {
        private String python = "python3";
        private Duration timeout = Duration.ofSeconds(5);
        private long memoryBytes = 256L << 20;
        private long maxFileBytes = 16L << 20;
        private int maxOutputBytes = 64 << 10;
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private Path scratchParent = Path.of(System.getProperty("java.io.tmpdir"));
        private Isolation isolation;

        private Builder() {
        }

        /** The interpreter: a name looked up on the PATH or a path. Default {@code python3}. */
        public Builder python(String executable) {
            if (executable == null || executable.isBlank()) {
                throw new IllegalArgumentException("the python executable must be a non-blank name or path");
            }
            this.python = executable;
            return this;
        }

        /** Wall-clock limit per job, also the CPU-time limit (rounded up to seconds). Default 5 s. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Address-space limit per job (RLIMIT_AS). Default 256 MB; at least 64 MB, for Python itself. */
        public Builder memoryBytes(long bytes) {
            if (bytes < 64L << 20) {
                throw new IllegalArgumentException("the memory limit must be at least 64 MB, got " + bytes);
            }
            this.memoryBytes = bytes;
            return this;
        }

        /** Largest file a job may write (RLIMIT_FSIZE). Default 16 MB. */
        public Builder maxFileBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("the file size limit must be >= 0, got " + bytes);
            }
            this.maxFileBytes = bytes;
            return this;
        }

        /** Output kept per job (stdout and stderr together); the rest is discarded. Default 64 KB. */
        public Builder maxOutputBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("the output limit must be >= 0, got " + bytes);
            }
            this.maxOutputBytes = bytes;
            return this;
        }

        /** Jobs {@link #runAll} runs at once. Default: the number of available processors. */
        public Builder parallelism(int jobs) {
            if (jobs < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, got " + jobs);
            }
            this.parallelism = jobs;
            return this;
        }

        /** Where scratch directories are made. Default: {@code java.io.tmpdir}. */
        public Builder scratchParent(Path dir) {
            this.scratchParent = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Forces an isolation mode: {@link Isolation#NAMESPACE} fails at {@link #build} where
         * {@code unshare -rn} does not work; {@link Isolation#HOOKS_ONLY} never uses it. Default
         * (null): the namespace where it works, the hooks alone elsewhere.
         */
        public Builder isolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /**
         * Checks the interpreter (and {@code unshare}) by running them once.
         *
         * @throws IllegalStateException if the interpreter cannot be run or is older than 3.8
         *                               ("python3 not found: install it or pass the path"), or
         *                               namespace isolation was forced and does not work
         */
        public PythonSandbox build() {
            return new PythonSandbox(this);
        }
    }
}
