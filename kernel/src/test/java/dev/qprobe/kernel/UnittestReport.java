package dev.qprobe.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Python's {@code unittest -v} reported: each test's status and sub-test statuses, and
 * the failure reports. Exit status 0 lets skipped tests through; this tells them apart.
 */
final class UnittestReport {
    /** "name (module.Class.name) ... status", or for a sub-test "  name (module.Class.name) (params) ... status". */
    private static final Pattern STATUS_LINE = Pattern.compile(
            "^\\s*(test_\\w+) \\(\\S+\\)(?: \\(.*\\))? \\.\\.\\. (.*)$");
    /** unittest's line above each failure report. */
    private static final String SEPARATOR = "\n" + "=".repeat(70) + "\n";
    /** unittest's line between the last failure report and the summary. */
    private static final String SUMMARY = "\n" + "-".repeat(70) + "\nRan ";

    private final String output;
    private final Map<String, List<String>> statuses = new LinkedHashMap<>();

    /** Reads {@code output}, the verbose run's standard error (or both streams together). */
    UnittestReport(String output) {
        this.output = output;
        for (String line : output.split("\n")) {
            Matcher m = STATUS_LINE.matcher(line);
            if (m.matches()) {
                statuses.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2).strip());
            }
        }
    }

    /**
     * The statuses of {@code test} in the order written ("ok", "FAIL", "ERROR", "skipped 'why'"...):
     * its own and its sub-tests', with "" where its line ended before its sub-tests'; empty if it
     * did not run.
     */
    List<String> statuses(String test) {
        return statuses.getOrDefault(test, List.of());
    }

    /** Every test that ran, in order, with its {@link #statuses}. */
    Map<String, List<String>> all() {
        return Collections.unmodifiableMap(statuses);
    }

    /** Whether {@code test} ran and passed with all its sub-tests: none failed, none skipped. */
    boolean passed(String test) {
        List<String> seen = statuses(test);
        return seen.contains("ok") && seen.stream().allMatch(s -> s.isEmpty() || s.equals("ok"));
    }

    /** unittest's reports of {@code test}'s failures and errors, with their tracebacks; "" if none. */
    String failures(String test) {
        StringBuilder reports = new StringBuilder();
        int summary = output.lastIndexOf(SUMMARY);
        for (String block : (summary < 0 ? output : output.substring(0, summary)).split(SEPARATOR)) {
            if (block.startsWith("FAIL: " + test + " (") || block.startsWith("ERROR: " + test + " (")) {
                reports.append(block.stripTrailing()).append("\n\n");
            }
        }
        return reports.toString();
    }
}
