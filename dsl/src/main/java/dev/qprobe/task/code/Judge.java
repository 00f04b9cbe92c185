package dev.qprobe.task.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trusted side of the sandbox: runs {@code judge.py} (never a completion's code) in the jail,
 * to split a test list into what the worker evaluates ({@link #plan}, cached: the k completions
 * of a prompt share it) and to reach a verdict on a worker's report ({@link #verdict}).
 */
final class Judge {
    static final String WORKER = program("worker.py");
    private static final String JUDGE = program("judge.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The judge evaluates a few expressions: its limits do not depend on the job's. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int CPU_SECONDS = 10;
    private static final int OUTPUT_BYTES = 1 << 20;
    private static final int PLAN_CACHE_SIZE = 512;

    private final Confinement jail;
    private final Path scratchParent;
    private final Map<String, Object> limits;
    private final Map<List<String>, JsonNode> plans = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<List<String>, JsonNode> eldest) {
                    return size() > PLAN_CACHE_SIZE;
                }
            });

    Judge(Confinement jail, Path scratchParent, long memoryBytes, int maxProcesses) {
        this.jail = jail;
        this.scratchParent = scratchParent;
        this.limits = jail.limits(memoryBytes, CPU_SECONDS, 1 << 20, maxProcesses);
    }

    /** The worker's steps for a test list, {@code {"tests": [...]}}, or {@code {"error": why}}. */
    JsonNode plan(List<String> tests) throws IOException {
        JsonNode plan = plans.get(tests);
        if (plan == null) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("mode", "split");
            request.put("tests", tests);
            plan = run(request);
            if (!plan.has("tests") && !plan.has("error")) {
                throw new IllegalStateException("the sandbox's judge could not split the tests: " + plan);
            }
            plans.put(tests, plan);
        }
        return plan;
    }

    /** The outcome's name and a detail, for a worker's report on a test list. */
    String[] verdict(List<String> tests, String report) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("mode", "judge");
        request.put("tests", tests);
        request.put("report", report);
        JsonNode v = run(request);
        if (!v.isArray() || v.size() != 2) {
            return new String[] {"ERROR", "the judge failed: " + v};
        }
        return new String[] {v.get(0).asText(), v.get(1).asText()};
    }

    /** Runs judge.py in the jail on one request; its last line of output, parsed. */
    private JsonNode run(Map<String, Object> request) throws IOException {
        request.put("limits", limits);
        Path scratch = jail.newScratch(scratchParent);
        try {
            SandboxProcess.Finished f = SandboxProcess.run(jail.command(scratch, List.of("-I", "-S", "-B", "-c", JUDGE)),
                    scratch, jail.env(scratch), JSON.writeValueAsBytes(request), TIMEOUT, OUTPUT_BYTES);
            String out = f.output().strip();
            String last = out.substring(out.lastIndexOf('\n') + 1);
            if (f.timedOut() || f.exitCode() != 0 || f.truncated()) {
                return JSON.valueToTree(List.of("ERROR", "the judge " + (f.timedOut()
                        ? "ran past " + TIMEOUT.toSeconds() + " s" : "exited with code " + f.exitCode()) + ": " + last));
            }
            return JSON.readTree(last);
        } finally {
            ScratchDirs.delete(scratch);
        }
    }

    /** common.py, then the script: each is run as {@code python3 -c}. */
    private static String program(String script) {
        return resource("common.py") + "\n" + resource(script);
    }

    private static String resource(String name) {
        try (InputStream in = Judge.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing next to " + Judge.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
