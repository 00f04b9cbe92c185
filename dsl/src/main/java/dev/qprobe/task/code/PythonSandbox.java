package dev.qprobe.task.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Runs Python code followed by unit tests ({@code assert} lines, MBPP style) in an operating-system
 * sandbox, and says whether every test passed.
 *
 * <h2>What guards what</h2>
 * <ul>
 *   <li><b>The jail</b> ({@link Isolation}, chosen by probing once per interpreter): each run is
 *       a {@code python3 -I -S -B} in new PID, network, IPC and UTS namespaces, as uid 65534 (under
 *       {@link Isolation#UNSHARE} without root: root of its own user namespace) with no
 *       capabilities, on a read-only file system whose only writable place is a fresh scratch
 *       directory (its working directory and {@code HOME}, deleted afterwards), with no network
 *       interface but loopback, stdin from {@code /dev/null} and an empty environment. Hard
 *       limits, set before any untrusted code runs: address space ({@link Builder#memoryBytes}),
 *       CPU seconds (the wall limit rounded up), file size ({@link Builder#maxFileBytes}), open
 *       files, processes ({@link Builder#maxProcesses}) and no core dumps. At the wall-clock limit
 *       ({@link Builder#timeout}) the whole process tree is killed; with it the PID namespace.</li>
 *   <li><b>The verdict, outside the completion's process.</b> A trusted script ({@code judge.py})
 *       splits each test's top-level {@code assert} into the sub-expressions that need the
 *       completion ({@code f(3)}) and the rest ({@code == [1, 2]}). The completion's process
 *       ({@code worker.py}) runs the completion, the setup code and those sub-expressions only,
 *       and reports their values as plain data (JSON of None, bool, int, float, complex, str,
 *       bytes, list, tuple, set, frozenset, dict; anything else arrives as an opaque value equal
 *       to nothing). Another jailed run of {@code judge.py} (one per batch of reports) evaluates
 *       the rest with those values, comparing {@code ==} and {@code !=} type-strictly (numbers as
 *       numbers, containers element by element). So rebinding the worker's globals or
 *       {@code __main__}, exiting early, printing a fake status or returning an always-equal
 *       object cannot make wrong code pass: the worker never sees the expected values, and all it
 *       can report is values.</li>
 *   <li><b>An audit hook in the worker</b>, defence in depth: it refuses writes outside the
 *       scratch directory, sockets, new processes, {@code ctypes} and the introspection that
 *       reaches it, and names the first refused operation ({@link Outcome#BLOCKED}).</li>
 * </ul>
 *
 * <h2>Not guarded</h2>
 * Code that reads the tests in the prompt can hard-code their answers (a property of unit-test
 * rewards, not of the sandbox). Statements of a test other than top-level asserts, and asserts
 * whose leaves sit inside a lambda or comprehension, run beside the completion and are judged by
 * what its process reports. The jail can read what uid 65534 may read of the bound system
 * directories (all of {@code /} under {@link Isolation#UNSHARE}), and use CPU on every core up to
 * the limits; kernel exploits are out of scope. {@link Isolation#NONE} keeps only the verdict,
 * the limits and the audit hook.
 *
 * <p>Instances are immutable and thread-safe; {@link #run} may be called from many threads.
 */
public final class PythonSandbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reports judged by one judge run: at most this many, of at most this many chars in all. */
    private static final int JUDGE_BATCH = 16;
    private static final long JUDGE_BATCH_CHARS = 8L << 20;
    /** SIGXCPU and SIGXFSZ, as exit codes (128 + signal). */
    private static final int EXIT_CPU_LIMIT = 128 + 24;
    private static final int EXIT_FILE_LIMIT = 128 + 25;

    /** What happened to a job. */
    public enum Outcome {
        /** Every test ran and passed. */
        PASSED,
        /** A test's assert failed. */
        ASSERTION,
        /** An exception, a syntax error, an early exit or a crash. */
        ERROR,
        /** The wall-clock or CPU-time limit ran out. */
        TIMEOUT,
        /** The memory limit ran out ({@code MemoryError}). */
        MEMORY,
        /** The code tried an operation the audit hook refuses (see the class comment). */
        BLOCKED
    }

    /** How each run is kept apart from the rest of the machine (see the class comment). */
    public enum Isolation {
        /** Bubblewrap ({@code bwrap}): namespaces, an empty read-only root with the system bound in. */
        BUBBLEWRAP,
        /** util-linux {@code unshare} and {@code setpriv}: namespaces, every mount read-only. */
        UNSHARE,
        /** None: a plain child process. Only through {@link #unisolated()} or an explicit choice. */
        NONE
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

    private final Path python;
    private final Confinement jail;
    private final Duration timeout;
    private final long memoryBytes;
    private final long maxFileBytes;
    private final int maxOutputBytes;
    private final int maxProcesses;
    private final int parallelism;
    private final Path scratchParent;
    private final Judge judge;
    private PythonSandbox(Builder b) {
        this.timeout = b.timeout;
        this.memoryBytes = b.memoryBytes;
        this.maxFileBytes = b.maxFileBytes;
        this.maxOutputBytes = b.maxOutputBytes;
        this.maxProcesses = b.maxProcesses;
        this.parallelism = b.parallelism;
        this.scratchParent = b.scratchParent;
        Interpreter interpreter = Interpreter.find(b.python);
        this.python = interpreter.executable();
        this.jail = Confinement.choose(interpreter.executable(), interpreter.dirsOutsideTheSystem(), b.isolation);
        this.judge = new Judge(jail, scratchParent, memoryBytes, maxProcesses);
    }

    /**
     * A sandbox with the defaults: {@code python3} on the PATH, the first isolation that works
     * here, 5 s, 256 MB, 64 KB of output.
     *
     * @throws IllegalStateException if there is no usable python3, or no isolation works here
     */
    public static PythonSandbox create() {
        return builder().build();
    }

    /**
     * A sandbox with the defaults but <b>no operating-system isolation</b>: completions run as
     * plain child processes of this JVM, as its user, with the machine's network and file system.
     * Only the verdict and the resource limits are still guarded. For code you trust, on machines
     * where no isolation works.
     */
    public static PythonSandbox unisolated() {
        return builder().isolation(Isolation.NONE).build();
    }

    /** Settings for a sandbox; see each method for its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The interpreter the sandbox runs (the real executable, after any pyenv-style shim). */
    public Path python() {
        return python;
    }

    /** How runs are isolated here: the isolation asked for, or the first that worked when probed. */
    public Isolation isolation() {
        return jail.isolation();
    }

    /** The wall-clock limit per job. */
    public Duration timeout() {
        return timeout;
    }

    /** How many jobs {@link #runAll} runs at once. */
    public int parallelism() {
        return parallelism;
    }

    @Override
    public String toString() {
        return "PythonSandbox[" + python + ", isolation " + isolation() + ", timeout " + timeout.toMillis() + " ms]";
    }

    /**
     * Runs one job and waits for it (at most the time limit, plus the judge's run and the time to
     * kill and clean up).
     *
     * @throws UncheckedIOException  if a scratch directory or a process cannot be made
     * @throws IllegalStateException if this thread is interrupted (the job is killed first)
     */
    public Result run(Job job) {
        return runAll(List.of(Objects.requireNonNull(job, "job"))).get(0);
    }

    /**
     * Runs jobs, at most {@link #parallelism()} at a time, and returns their results in the
     * order of {@code jobs}. Their reports are judged in batches, one judge run per batch.
     */
    public List<Result> runAll(List<Job> jobs) {
        List<Job> copy = List.copyOf(jobs);
        List<Callable<Worked>> work = new ArrayList<>();
        for (Job job : copy) {
            work.add(() -> work(job));
        }
        List<Worked> worked = Parallel.run(work, parallelism);
        List<List<Integer>> batches = new ArrayList<>();
        long batchBytes = 0;
        for (int i = 0; i < worked.size(); i++) {
            String report = worked.get(i).report;
            if (report == null) {
                continue;
            }
            if (batches.isEmpty() || batches.get(batches.size() - 1).size() == JUDGE_BATCH
                    || batchBytes + report.length() > JUDGE_BATCH_CHARS) {
                batches.add(new ArrayList<>());
                batchBytes = 0;
            }
            batches.get(batches.size() - 1).add(i);
            batchBytes += report.length();
        }
        List<Callable<List<String[]>>> judging = new ArrayList<>();
        for (List<Integer> batch : batches) {
            List<List<String>> tests = new ArrayList<>();
            List<String> reports = new ArrayList<>();
            for (int i : batch) {
                tests.add(worked.get(i).job.tests());
                reports.add(worked.get(i).report);
            }
            judging.add(() -> judge.verdicts(tests, reports));
        }
        List<List<String[]>> verdicts = Parallel.run(judging, parallelism);
        Result[] results = new Result[worked.size()];
        for (int i = 0; i < results.length; i++) {
            results[i] = worked.get(i).early;
        }
        for (int b = 0; b < batches.size(); b++) {
            for (int k = 0; k < batches.get(b).size(); k++) {
                Worked w = worked.get(batches.get(b).get(k));
                String[] v = verdicts.get(b).get(k);
                results[batches.get(b).get(k)] = new Result(Outcome.valueOf(v[0]), v[1], w.output, w.truncated);
            }
        }
        return List.of(results);
    }

    /**
     * A worker's run: its final result when it ended without a report (or the tests could not be
     * split), else the report still to judge.
     */
    private record Worked(Job job, Result early, String report, String output, boolean truncated) {
        static Worked ended(Job job, Result result) {
            return new Worked(job, result, null, result.output(), result.truncated());
        }
    }

    /** The split of the job's tests, then the worker in a fresh scratch directory. */
    private Worked work(Job job) throws IOException {
        JsonNode plan = judge.plan(job.tests());
        if (plan.has("error")) {
            return Worked.ended(job, new Result(Outcome.ERROR, plan.get("error").asText(), "", false));
        }
        Path scratch = jail.newScratch(scratchParent);
        try {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("scratch", scratch.toString());
            spec.put("limits", jail.limits(memoryBytes, Math.max(1, (timeout.toMillis() + 999) / 1000), maxFileBytes,
                    maxProcesses));
            spec.put("code", job.code());
            spec.put("setup", job.setup());
            spec.put("tests", plan.get("tests"));
            SandboxProcess.Finished w = SandboxProcess.run(
                    jail.command(scratch, List.of("-I", "-S", "-B", "-c", Judge.WORKER)), scratch, jail.env(scratch),
                    JSON.writeValueAsBytes(spec), timeout, maxOutputBytes);
            if (w.timedOut()) {
                return Worked.ended(job, new Result(Outcome.TIMEOUT, "ran past the time limit of "
                        + timeout.toMillis() + " ms", w.output(), w.truncated()));
            }
            // What the worker wrote, never trusted: the judge reads values from it, nothing more.
            String report = ScratchDirs.readSmallRegularFile(scratch.resolve("report.json"), maxFileBytes);
            if (w.exitCode() != 0 || report == null || report.isEmpty()) {
                String[] why = early(w.exitCode());
                return Worked.ended(job, new Result(Outcome.valueOf(why[0]), why[1], w.output(), w.truncated()));
            }
            return new Worked(job, null, report, w.output(), w.truncated());
        } finally {
            ScratchDirs.delete(scratch);
        }
    }

    /** Outcome and detail for a worker that ended without a report. */
    private String[] early(int exitCode) {
        if (exitCode == EXIT_CPU_LIMIT) {
            return new String[] {"TIMEOUT", "ran past the CPU time limit"};
        }
        if (exitCode == EXIT_FILE_LIMIT) {
            return new String[] {"ERROR", "wrote a file larger than " + maxFileBytes + " bytes"};
        }
        return new String[] {"ERROR", exitCode > 128 && exitCode < 128 + 65
                ? "was killed by signal " + (exitCode - 128) + " before the tests finished"
                : "exited with code " + exitCode + " before the tests finished"};
    }

    /** Settings for a {@link PythonSandbox}. */
    public static final class Builder {
        private String python = "python3";
        private Duration timeout = Duration.ofSeconds(5);
        private long memoryBytes = 256L << 20;
        private long maxFileBytes = 16L << 20;
        private int maxOutputBytes = 64 << 10;
        private int maxProcesses = 32;
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

        /**
         * Processes and threads a job may have at once (RLIMIT_NPROC), in a jail only: unjailed, the
         * kernel would count all of this user's processes. Default 32. When this JVM runs as root,
         * jails run as uid 65534 and the count covers all jobs running at the same time.
         */
        public Builder maxProcesses(int processes) {
            if (processes < 1) {
                throw new IllegalArgumentException("the process limit must be >= 1, got " + processes);
            }
            this.maxProcesses = processes;
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
         * The isolation to use, checked at {@link #build} ({@link Isolation#NONE}: none at all).
         * Default (null): the first of {@link Isolation#BUBBLEWRAP} and {@link Isolation#UNSHARE}
         * that works here, probed once per interpreter; if neither works, {@link #build} refuses.
         */
        public Builder isolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /**
         * Checks the interpreter by running it once, and the isolation by running a probe in it.
         *
         * @throws IllegalStateException if the interpreter cannot be run or is older than 3.9
         *                               ("python3 not found: install it or pass the path"), or the
         *                               isolation asked for (by default: any) does not work here,
         *                               with the reasons
         */
        public PythonSandbox build() {
            return new PythonSandbox(this);
        }
    }
}
