package dev.qprobe.task.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trusted side of the sandbox: runs {@code judge.py} (never a completion's code) in the jail,
 * to split a test list into what the worker evaluates ({@link #plan}, cached: the k completions
 * of a prompt share it) and to reach verdicts on workers' reports, many per run ({@link #verdicts}).
 */
final class Judge {
    static final String WORKER = program("worker.py");
    private static final String JUDGE = program("judge.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The judge evaluates a few expressions: its limits do not depend on the job's. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int CPU_SECONDS = 1;
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
            plan = run(request, 0);
            if (!plan.has("tests") && !plan.has("error")) {
                throw new IllegalStateException("the sandbox's judge could not split the tests: " + plan);
            }
            plans.put(tests, plan);
        }
        return plan;
    }

    /** For each worker report on its test list: the outcome's name and a detail. */
    List<String[]> verdicts(List<List<String>> tests, List<String> reports) throws IOException {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            items.add(Map.of("tests", tests.get(i), "report", reports.get(i)));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("mode", "judge");
        request.put("items", items);
        JsonNode v = run(request, items.size());
        List<String[]> verdicts = new ArrayList<>();
        if (v.has("failed") && items.size() > 1) {
            // One report kept the judge busy past its limits in C code, where judge.py's per-item
            // timer cannot stop it: judge each alone, so that only that one loses its verdict.
            for (int i = 0; i < items.size(); i++) {
                verdicts.addAll(verdicts(List.of(tests.get(i)), List.of(reports.get(i))));
            }
            return verdicts;
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode one = v.isArray() && v.size() == items.size() ? v.get(i) : null;
            verdicts.add(one != null && one.isArray() && one.size() == 2
                    ? new String[] {one.get(0).asText(), one.get(1).asText()}
                    : new String[] {"ERROR", "the judge failed: " + v.path("failed").asText(v.toString())});
        }
        return verdicts;
    }

    /** Runs judge.py in the jail on one request: its last line of output, parsed, or {"failed": why}. */
    private JsonNode run(Map<String, Object> request, int items) throws IOException {
        // judge.py gives each item ITEM_CPU_SECONDS (1 s) of CPU: the whole run gets that much more.
        Map<String, Object> limits = new LinkedHashMap<>(this.limits);
        limits.put("cpuSeconds", CPU_SECONDS + items);
        Duration timeout = TIMEOUT.plusSeconds(3L * items);
        request.put("limits", limits);
        Path scratch = jail.newScratch(scratchParent);
        try {
            SandboxProcess.Finished f = SandboxProcess.run(
                    jail.command(scratch, List.of("-I", "-S", "-B", "-c", JUDGE)), scratch, jail.env(scratch),
                    JSON.writeValueAsBytes(request), timeout, OUTPUT_BYTES);
            String out = f.output().strip();
            String last = out.substring(out.lastIndexOf('\n') + 1);
            if (f.timedOut() || f.exitCode() != 0 || f.truncated()) {
                return JSON.valueToTree(Map.of("failed", (f.timedOut() ? "ran past " + timeout.toSeconds() + " s"
                        : "exited with code " + f.exitCode()) + ": " + last));
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
