package dev.qprobe.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.TestClasses;
import dev.qprobe.kernel.eval.EvalResult.CellError;
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

    // ---- System.in ----

    /** A source handing out {@code lines}, then the end of input; counts how often it was asked. */
    private static final class Lines implements InputSource {
        private final java.util.Deque<String> lines;
        private final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        Lines(String... lines) {
            this.lines = new java.util.ArrayDeque<>(List.of(lines));
        }

        @Override
        public String readLine(java.util.function.BooleanSupplier stopped) {
            asked.incrementAndGet();
            return lines.poll();
        }
    }

    @Test
    void systemInReadsTheLinesOfTheCellsInput() {
        Lines input = new Lines("hello", "w\u00f6rld", "unread");
        EvalResult r = shell.eval("var in = new java.util.Scanner(System.in);\nin.nextLine() + \"|\" + in.nextLine()",
                null, null, null, input);
        assertTrue(r.ok(), () -> r.error().toString());
        assertEquals("hello|w\u00f6rld", r.display().get("text/plain"));
        assertEquals(2, input.asked.get(), "a line is asked for when the cell reads past the last one");
        Lines next = new Lines("fresh");
        EvalResult later = shell.eval("new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine()",
                null, null, null, next);
        assertEquals("fresh", later.display().get("text/plain"), "what a cell left unread is not the next one's");
    }

    @Test
    void withoutInputSystemInEndsAndANoteSaysWhy() {
        EvalResult r = shell.eval("System.in.read() + System.in.read()", null, null, null,
                InputSource.none("no input in this test"));
        assertEquals(Optional.of("-2"), r.value(), "each read finds the end");
        assertEquals("no input in this test\n", r.stderr(), "one note a cell");
        EvalResult plain = ok("new java.util.Scanner(System.in).hasNextLine()");
        assertEquals(Optional.of("false"), plain.value());
        assertTrue(plain.stderr().contains("System.in has no input"), plain.stderr());
        Lines later = new Lines("still open");
        assertEquals("still open", shell.eval("new java.util.Scanner(System.in).nextLine()", null, null, null, later)
                .display().get("text/plain"), "the end of one cell's input does not close System.in for good");
    }

    @Test
    @Timeout(60)
    void anInterruptWhileWaitingForInputStopsTheCell() throws Exception {
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        InputSource never = stopped -> {
            waiting.countDown();
            while (!stopped.getAsBoolean()) {
                Thread.onSpinWait();
            }
            return "typed too late";
        };
        var cell = java.util.concurrent.CompletableFuture.supplyAsync(() -> shell.eval(
                "String got = new java.util.Scanner(System.in).nextLine();\nSystem.out.println(\"never\");",
                null, null, null, never));
        waiting.await();
        shell.interrupt();
        EvalResult r = cell.get();
        assertEquals(CellError.Kind.INTERRUPTED, r.error().orElseThrow().kind());
        assertFalse(r.stdout().contains("never"));
        assertEquals("next", shell.eval("new java.util.Scanner(System.in).nextLine()", null, null, null, new Lines("next"))
                .display().get("text/plain"), "input works after the interrupt");
    }

    // ---- class path ----

    @Test
    @Timeout(90)
    void addedClassPathServesCellsAndOutlivesARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TestClasses.compile(dir, "qprobe.added.Answer",
                "package qprobe.added; public class Answer { public static int get() { return 42; } }");
        CellError missing = failing("qprobe.added.Answer.get()");
        assertEquals(CellError.Kind.COMPILE, missing.kind());
        shell.addToClasspath(List.of(dir));
        assertEquals(Optional.of("42"), ok("qprobe.added.Answer.get()").value());
        assertTrue(shell.addedClassPath().contains(dir.toAbsolutePath().toString()));
        shell.restart();
        assertEquals(Optional.of("42"), ok("qprobe.added.Answer.get()").value(), "a new engine gets it too");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> shell.addToClasspath(List.of(dir.resolve("no-such.jar"))));
        assertTrue(e.getMessage().contains("no-such.jar"), e.getMessage());
    }

    // ---- start-up ----

    private static List<String> thisClassPath() {
        return List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
    }

    @Test
    @Timeout(90)
    void theEngineStartsInTheBackgroundAndTheFirstCellWaitsForIt() throws Exception {
        List<Runnable> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (JShellEvaluator later = new JShellEvaluator(thisClassPath(), List.of("java.util.*"), List.of(),
                List.of(), List.of(), held::add, List::of, dev.qprobe.kernel.cds.PackageIndex.empty())) {
            assertEquals(1, held.size(), "the constructor handed the start on instead of running it");
            var cell = java.util.concurrent.CompletableFuture.supplyAsync(() -> later.eval("List.of(1, 2).size()"));
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> cell.get(300, TimeUnit.MILLISECONDS), "a cell cannot finish before the engine exists");
            held.get(0).run();
            EvalResult r = cell.get();
            assertEquals(Optional.of("2"), r.value(), () -> r.error().toString());
        }
    }

    @Test
    @Timeout(120)
    void aFailedStartIsReportedAndTheNextCellTriesAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> classPath = new ArrayList<>(thisClassPath());
        classPath.add(dir.toString());
        try (JShellEvaluator evaluator = new JShellEvaluator(classPath, List.of("qprobe.later.*"), List.of())) {
            EvalResult first = evaluator.eval("Greeting.hello()");
            CellError e = first.error().orElseThrow();
            assertEquals(CellError.Kind.ENGINE_UNAVAILABLE, e.kind());
            assertTrue(e.message().contains("could not be started") && e.message().contains("qprobe.later"),
                    e.message());
            assertEquals(List.of(), evaluator.complete("Stri", 4).matches(), "no engine, no completions");
            TestClasses.compile(dir, "qprobe.later.Greeting",
                    "package qprobe.later; public class Greeting { public static String hello() { return \"hi\"; } }");
            EvalResult second = evaluator.eval("Greeting.hello()");
            assertEquals("hi", second.display().get("text/plain"), () -> second.error().toString());
        }
    }

    @Test
    @Timeout(60)
    void anEngineThatCannotLaunchSaysWhyInALine() {
        try (JShellEvaluator evaluator = new JShellEvaluator(thisClassPath(), List.of(), List.of("-XX:+NoSuchOption"))) {
            CellError e = evaluator.eval("1").error().orElseThrow();
            assertEquals(CellError.Kind.ENGINE_UNAVAILABLE, e.kind());
            assertTrue(e.message().contains("Unrecognized VM option 'NoSuchOption'"), e.message());
            assertFalse(e.message().contains("--class-path"), "no command lines: " + e.message());
        }
    }
}
