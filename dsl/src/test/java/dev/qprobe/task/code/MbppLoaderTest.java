package dev.qprobe.task.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MbppLoaderTest {
    private static final String GOOD_LINE = "{\"task_id\": 7, \"text\": \"t\", \"code\": \"c\", \"test_list\": [\"assert 1\"]}";

    @TempDir
    Path dir;

    /** The five problems written for these tests. */
    static Path problemsFile() {
        try {
            return Path.of(MbppLoaderTest.class.getResource("problems.jsonl").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static PythonSandbox sandboxOrSkip() {
        try {
            return PythonSandbox.builder().timeout(java.time.Duration.ofSeconds(5)).build();
        } catch (IllegalStateException e) {
            assumeTrue(false, "no usable python3 here: " + e.getMessage());
            throw e;
        }
    }

    @Test
    void loadsEveryField() throws IOException {
        List<CodeProblem> problems = MbppLoader.load(problemsFile());
        assertEquals(List.of("1", "2", "3", "4", "5"), problems.stream().map(CodeProblem::id).toList());
        CodeProblem merge = problems.get(4);
        assertEquals("Write a function to merge two sorted lists into one sorted list.", merge.text());
        assertEquals("import heapq", merge.setup());
        assertEquals(3, merge.tests().size());
        assertEquals("assert merge_sorted([1, 4], [2, 3]) == [1, 2, 3, 4]", merge.tests().get(0));
        assertTrue(merge.reference().startsWith("def merge_sorted(a, b):"));
        assertEquals(List.of("assert count_vowels('a' * 1000) == 1000"), problems.get(2).challengeTests());
        assertEquals(List.of(), problems.get(0).challengeTests());
    }

    @Test
    void optionalFieldsMayBeMissingAndBlankLinesAreSkipped() throws IOException {
        Path file = write("", GOOD_LINE, "   ");
        CodeProblem p = MbppLoader.load(file).get(0);
        assertEquals("7", p.id());
        assertEquals("", p.setup());
        assertEquals(List.of(), p.challengeTests());
    }

    @Test
    void referenceSolutionsPassTheirOwnTests() throws IOException {
        PythonSandbox sandbox = sandboxOrSkip();
        List<CodeProblem> problems = MbppLoader.load(problemsFile());
        assertEquals(Map.of(), MbppLoader.verify(problems, sandbox));
        List<CodeProblem> broken = new ArrayList<>(problems);
        CodeProblem fib = problems.get(3);
        broken.set(3, new CodeProblem(fib.id(), fib.text(), fib.tests(), "", "def fib(n):\n    return n\n", List.of()));
        broken.add(new CodeProblem("no-reference", "t", List.of("assert False")));
        Map<String, PythonSandbox.Result> failures = MbppLoader.verify(broken, sandbox);
        assertEquals(List.of("4"), List.copyOf(failures.keySet()));
        assertEquals("test 2 failed: assert fib(10) == 55", failures.get("4").detail());
    }

    @Test
    void malformedLinesNameTheFileAndLine() throws IOException {
        assertError("line 2: not valid JSON", GOOD_LINE, "{\"task_id\": 8,");
        assertError("line 1: expected a JSON object", "[1, 2]");
        assertError("line 1: missing field \"test_list\"", "{\"task_id\": 1, \"text\": \"t\", \"code\": \"c\"}");
        assertError("line 1: missing field \"task_id\"", "{\"text\": \"t\", \"code\": \"c\", \"test_list\": [\"x\"]}");
        assertError("line 1: task_id must be an integer, got \"1\"",
                "{\"task_id\": \"1\", \"text\": \"t\", \"code\": \"c\", \"test_list\": [\"x\"]}");
        assertError("line 1: text must be a string, got number",
                "{\"task_id\": 1, \"text\": 5, \"code\": \"c\", \"test_list\": [\"x\"]}");
        assertError("line 1: test_list must be an array of strings, got string",
                "{\"task_id\": 1, \"text\": \"t\", \"code\": \"c\", \"test_list\": \"assert 1\"}");
        assertError("line 1: test_list[1] must be a string, got number",
                "{\"task_id\": 1, \"text\": \"t\", \"code\": \"c\", \"test_list\": [\"x\", 3]}");
        assertError("line 1: test_list is empty",
                "{\"task_id\": 1, \"text\": \"t\", \"code\": \"c\", \"test_list\": []}");
        assertError("line 1: test_setup_code must be a string, got array",
                "{\"task_id\": 1, \"text\": \"t\", \"code\": \"c\", \"test_list\": [\"x\"], \"test_setup_code\": []}");
        assertError("line 3: task_id 7 appears twice", GOOD_LINE, "", GOOD_LINE);
    }

    private void assertError(String expected, String... lines) throws IOException {
        Path file = write(lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MbppLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + " " + expected), e.getMessage());
    }

    private Path write(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "mbpp-", ".jsonl");
        Files.write(file, List.of(lines));
        return file;
    }
}
