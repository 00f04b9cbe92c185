package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnittestReportTest {
    /** What Python 3.11's {@code unittest -v} wrote for a module with these four cases. */
    private static final String OUTPUT = """
            test_a (t_sample.T.test_a) ...\s
              test_a (t_sample.T.test_a) (kind='x') ... skipped 'not here'
            test_b (t_sample.T.test_b) ...\s
              test_b (t_sample.T.test_b) (code='f("a")') ... FAIL
            test_c (t_sample.T.test_c) ... ok
            test_d (t_sample.T.test_d) ... skipped 'nope'

            ======================================================================
            FAIL: test_b (t_sample.T.test_b) (code='f("a")')
            ----------------------------------------------------------------------
            Traceback (most recent call last):
              File "/tmp/t_sample.py", line 10, in test_b
                self.assertEqual(1, 2)
            AssertionError: 1 != 2

            ----------------------------------------------------------------------
            Ran 4 tests in 0.000s

            FAILED (failures=1, skipped=2)
            """;

    private final UnittestReport report = new UnittestReport(OUTPUT);

    @Test
    void onlyATestThatRanAndPassedWholePasses() {
        assertTrue(report.passed("test_c"));
        assertFalse(report.passed("test_a"), "a skipped sub-test is not a pass");
        assertFalse(report.passed("test_b"));
        assertFalse(report.passed("test_d"));
        assertFalse(report.passed("test_e"), "it did not run");
    }

    @Test
    void statusesIncludeTheSubTests() {
        assertEquals(List.of("", "skipped 'not here'"), report.statuses("test_a"));
        assertEquals(List.of("", "FAIL"), report.statuses("test_b"));
        assertEquals(List.of(), report.statuses("test_e"));
        assertEquals(4, report.all().size());
    }

    @Test
    void failuresCarryTheTraceback() {
        String failures = report.failures("test_b");
        assertTrue(failures.startsWith("FAIL: test_b (t_sample.T.test_b) (code='f(\"a\")')"), failures);
        assertTrue(failures.contains("AssertionError: 1 != 2"), failures);
        assertFalse(failures.contains("Ran 4 tests"), failures);
        assertEquals("", report.failures("test_c"));
    }
}
