package dev.qprobe.task.code;

import java.util.List;

/**
 * A programming problem checked by unit tests, MBPP style.
 *
 * @param id             stable id, unique within a problem set (for MBPP, the task id)
 * @param text           what to write, in words
 * @param tests          Python statements, normally one {@code assert} each; a solution passes
 *                       when all of them do
 * @param setup          Python run after the solution and before the tests; empty for none
 * @param reference      a known-good solution; empty when there is none
 * @param challengeTests harder tests kept from the source; not used for rewards
 */
public record CodeProblem(String id, String text, List<String> tests, String setup, String reference,
                          List<String> challengeTests) {
    public CodeProblem {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a code problem needs a non-blank id");
        }
        if (text == null) {
            throw new IllegalArgumentException("code problem " + id + " has no text");
        }
        if (tests == null || tests.isEmpty()) {
            throw new IllegalArgumentException("code problem " + id + " needs at least one test");
        }
        for (String test : tests) {
            if (test == null || test.isBlank()) {
                throw new IllegalArgumentException("code problem " + id + " has a blank test");
            }
        }
        tests = List.copyOf(tests);
        setup = setup == null ? "" : setup;
        reference = reference == null ? "" : reference;
        challengeTests = challengeTests == null ? List.of() : List.copyOf(challengeTests);
    }

    /** A problem with tests only: no setup, reference or challenge tests. */
    public CodeProblem(String id, String text, List<String> tests) {
        this(id, text, tests, "", "", List.of());
    }
}
