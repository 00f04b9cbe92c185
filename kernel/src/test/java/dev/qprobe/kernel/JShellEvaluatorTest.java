package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.EvalResult.CellError;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One engine for all tests (a JVM start costs a second or two); no test relies on another's definitions. */
class JShellEvaluatorTest {
    private static JShellEvaluator shell;

    @BeforeAll
    static void start() {
        shell = JShellEvaluator.withDsl("-Xmx256m"); // a small heap keeps the out-of-memory test cheap
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static EvalResult ok(String cell) {
        EvalResult r = shell.eval(cell);
        assertTrue(r.ok(), () -> cell + " failed: " + r.error().orElseThrow());
        return r;
    }

    private static CellError failing(String cell) {
        EvalResult r = shell.eval(cell);
        assertFalse(r.ok(), () -> cell + " should have failed; value " + r.value());
        return r.error().orElseThrow();
    }

    @Test
    void helloWorldGoesToStdout() {
        EvalResult r = ok("System.out.println(\"hello, world \u00e9\u4e16\");");
        assertEquals("hello, world \u00e9\u4e16\n", r.stdout());
        assertEquals(Optional.empty(), r.value(), "a void call has no value");
        assertTrue(r.display().isEmpty());
    }

    @Test
    void outputIsStreamedAsWritten() {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        EvalResult r = shell.eval("System.out.print(\"a\"); System.err.print(\"b\"); System.out.println(\"c\");",
                out::add, err::add);
        assertTrue(r.ok());
        assertEquals("ac\n", String.join("", out));
        assertEquals("b", String.join("", err));
        assertEquals("b", r.stderr());
    }

    @Test
    void anExpressionHasAValue() {
        EvalResult r = ok("6 * 7");
        assertEquals(Optional.of("42"), r.value());
        assertEquals("42", r.display().get("text/plain"));
        EvalResult s = ok("String.join(\"-\", \"a\", \"b\")");
        assertEquals("a-b", s.display().get("text/plain"), "rendered by toString, not as a Java literal");
        assertEquals(Optional.of("\"a-b\""), s.value());
    }

    @Test
    void aCellRunsMethodsClassesAndExpressionsInOrder() {
        EvalResult r = ok("""
                int twice(int x) {
                    return 2 * x;
                }
                // a comment between snippets
                class Greeter {
                    String greet(String who) { return "hi " + who; }
                }
                System.out.println("defined");
                var g = new Greeter();
                g.greet("bob") + " " + twice(21)
                """);
        assertEquals("defined\n", r.stdout());
        assertEquals("hi bob 42", r.display().get("text/plain"));
        assertEquals("hi bob 42", ok("g.greet(\"bob\") + \" \" + twice(21)").display().get("text/plain"),
                "definitions outlive their cell");
    }

    @Test
    void aDeclarationShowsNoValue() {
        EvalResult r = ok("int declared = 5;");
        assertEquals(Optional.empty(), r.value());
    }

    @Test
    void compileErrorsCarryTheCellLine() {
        CellError e = failing("int a = 1;\n\nSystem.out.println(\"not reached\");\nString s = 42;\nint after = 2;");
        assertEquals(CellError.Kind.COMPILE, e.kind());
        assertTrue(e.message().startsWith("line 4, column 12: incompatible types"), e.message());
        assertEquals("    String s = 42;", e.trace().get(1));
        assertEquals("               ^", e.trace().get(2));
        EvalResult r = shell.eval("int b = 1;\nSystem.out.println(b);\nundefinedThing();");
        assertEquals("1\n", r.stdout(), "snippets before the error ran");
        assertTrue(r.error().orElseThrow().message().startsWith("line 3"), r.error().orElseThrow().message());
    }

    @Test
    void anErrorStopsTheRestOfTheCell() {
        EvalResult r = shell.eval("System.out.println(1);\nInteger.parseInt(\"x\");\nSystem.out.println(2);");
        assertEquals("1\n", r.stdout());
        CellError e = r.error().orElseThrow();
        assertEquals(CellError.Kind.EXCEPTION, e.kind());
        assertEquals("java.lang.NumberFormatException", e.name());
        assertEquals("For input string: \"x\"", e.message());
    }

    @Test
    void stackTracesNameCellLines() {
        EvalResult defined = ok("int ratio(int a, int b) {\n    int q = a;\n    return q / b;\n}");
        assertTrue(defined.ok());
        CellError e = failing("int z = 0;\nratio(1, z)");
        assertEquals("java.lang.ArithmeticException", e.name());
        assertEquals("/ by zero", e.message());
        assertEquals("java.lang.ArithmeticException: / by zero", e.trace().get(0));
        assertTrue(e.trace().get(1).matches("    at ratio \\(cell \\d+, line 3\\)"), e.trace().toString());
        assertTrue(e.trace().get(2).matches("    at <cell> \\(cell \\d+, line 2\\)"), e.trace().toString());
        assertEquals(3, e.trace().size(), "JShell's own frames are cut: " + e.trace());
    }

    @Test
    @Timeout(30)
    void systemExitRestartsTheEngine() {
        ok("int beforeExit = 1;");
        CellError e = failing("System.out.println(\"bye\");\nSystem.exit(0);\nSystem.out.println(\"never\");");
        assertEquals(CellError.Kind.ENGINE_RESTARTED, e.kind());
        assertEquals(Optional.of("2"), ok("1 + 1").value(), "the evaluator keeps working");
        assertEquals(CellError.Kind.COMPILE, failing("beforeExit").kind(), "the old state is gone");
        assertEquals(Optional.of("4"), ok("Beta.standard().values().length").value(), "imports come back");
    }

    @Test
    @Timeout(30)
    void interruptStopsARunningCell() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (String cell : List.of("while (true) {}", "Thread.sleep(60_000);",
                    "System.out.println(\"started\");\nThread.sleep(60_000);\nSystem.out.println(\"never\");")) {
                AtomicLong interruptedAt = new AtomicLong();
                timer.schedule(() -> {
                    interruptedAt.set(System.nanoTime());
                    shell.interrupt();
                }, 300, TimeUnit.MILLISECONDS);
                EvalResult r = shell.eval(cell);
                double seconds = (System.nanoTime() - interruptedAt.get()) / 1e9;
                assertEquals(CellError.Kind.INTERRUPTED, r.error().orElseThrow().kind(), cell);
                // Stopped, not finished: far sooner than the cell's own 60 s. (How fast is a figure
                // for a benchmark, not a unit-test assertion on a shared CI machine.)
                assertTrue(seconds < 15, cell + " stopped " + seconds + " s after the interrupt");
                assertFalse(r.stdout().contains("never"));
                assertEquals(Optional.of("3"), ok("1 + 2").value(), "the next cell works");
            }
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void outOfMemoryIsAnError() {
        CellError e = failing("long[] huge = new long[Integer.MAX_VALUE - 8];");
        assertEquals("java.lang.OutOfMemoryError", e.name());
        CellError list = failing("var chunks = new java.util.ArrayList<long[]>();\n"
                + "while (true) chunks.add(new long[1 << 20]);");
        assertEquals("java.lang.OutOfMemoryError", list.name());
        ok("chunks = null;");
        assertEquals(Optional.of("1000"), ok("new long[1000].length").value(), "the engine survives");
    }

    @Test
    void completesNames() {
        Completion c = shell.complete("Str", 3);
        assertTrue(c.matches().contains("String"), c.matches().toString());
        assertEquals(0, c.start());
        assertEquals(3, c.end());
        Completion second = shell.complete("int x = 1;\nMath.ma", 18);
        assertTrue(second.matches().contains("max("), second.matches().toString());
        assertEquals(16, second.start());
    }

    @Test
    void tellsCompleteFromIncomplete() {
        assertEquals(IsComplete.INCOMPLETE, shell.isComplete("int x = "));
        assertEquals(IsComplete.COMPLETE, shell.isComplete("int x = 1;"));
        assertEquals(IsComplete.INCOMPLETE, shell.isComplete("int x = 1;\nvoid f() {"));
        assertEquals(IsComplete.COMPLETE, shell.isComplete("int x = 1;\nvoid f() {}\nf()"));
        assertEquals(IsComplete.INVALID, shell.isComplete(")"));
    }

    @Test
    void inspectsSignatures() {
        String doc = shell.inspect("Math.max(1, 2)", 7).orElseThrow();
        assertTrue(doc.contains("int Math.max(int a, int b)"), doc);
        assertTrue(doc.contains("double Math.max(double a, double b)"), doc);
        assertTrue(shell.inspect("String s", 3).orElseThrow().contains("java.lang.String"));
        assertEquals(Optional.empty(), shell.inspect("   ", 1));
    }

    @Test
    void theDslIsImported() {
        EvalResult r = ok("Beta.standard()");
        assertEquals("Beta[0.0, 0.01, 0.1, 1.0]", r.display().get("text/plain"));
        assertEquals(Optional.of("Beta[0.0, 0.01, 0.1, 1.0]"), r.value());
        ok("Class<?> dsl = QProbe.class; Path p = Path.of(\"x\"); Table t = Table.create(\"t\");");
    }

    @Test
    void richValuesAreRenderedInTheEngine() {
        EvalResult table = ok("Table.create(\"t\", IntColumn.create(\"k\", 1, 2), StringColumn.create(\"who\", \"<a>\", \"b\"))");
        String html = (String) table.display().get("text/html");
        assertTrue(html.contains("<th>k</th><th>who</th>") && html.contains("<td>&lt;a&gt;</td>"), html);
        EvalResult chart = ok("dev.qprobe.report.Charts.lines(\"a chart\", \"x\", \"y\", java.util.Map.of(\"s\","
                + " java.util.List.of(dev.qprobe.report.Point.of(0, 1), dev.qprobe.report.Point.of(1, 2))))");
        assertEquals("a chart", chart.display().get("text/plain"));
        byte[] png = Base64.getDecoder().decode((String) chart.display().get("image/png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aFailingToStringFallsBackToPlainText() {
        EvalResult r = ok("class Bad { public String toString() { throw new IllegalStateException(\"no\"); } }\nnew Bad()");
        assertTrue(r.display().containsKey("text/plain"));
        assertTrue(r.stderr().contains("rich display failed"), r.stderr());
    }
}
