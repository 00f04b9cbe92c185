package dev.qprobe.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Outputs published from a running cell, through a real engine: {@link Notebook} and the DSL's progress. */
class NotebookOutputTest {
    private static JShellEvaluator shell;

    @BeforeAll
    static void start() {
        shell = JShellEvaluator.withDsl("-Xmx256m");
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    /** Runs {@code cell}, recording its stdout chunks (as "out:...") and its outputs in arrival order. */
    private static List<Object> run(String cell, List<Object> seen) {
        EvalResult r = shell.eval(cell, text -> seen.add("out:" + text), text -> seen.add("err:" + text), seen::add);
        assertTrue(r.ok(), () -> cell + " failed: " + r.error().orElseThrow());
        List<Object> merged = new ArrayList<>();
        for (Object o : seen) {
            if (o instanceof String s && !merged.isEmpty() && merged.get(merged.size() - 1) instanceof String last
                    && last.startsWith("out:") && s.startsWith("out:")) {
                merged.set(merged.size() - 1, last + s.substring(4));
            } else {
                merged.add(o);
            }
        }
        return merged;
    }

    @Test
    void displayUpdateAndClearArriveInOrderWithThePrintedText() {
        List<Object> seen = new ArrayList<>();
        EvalResult[] result = new EvalResult[1];
        List<Object> merged = run("""
                System.out.print("before ");
                var h = display("first");
                System.out.println("middle");
                updateDisplay(h, 42);
                h.update("third");
                display(Table.create("t", IntColumn.create("n", 1, 2)), "my-table");
                clearOutput(true);
                System.out.println("after");
                h
                """, seen);
        assertEquals(8, merged.size(), merged::toString);
        assertEquals("out:before ", merged.get(0));
        var first = (OutputEvent.NewDisplay) merged.get(1);
        assertEquals("first", first.data().get("text/plain"));
        assertEquals("out:middle\n", merged.get(2));
        assertEquals(new OutputEvent.UpdateDisplay(first.displayId(), java.util.Map.of("text/plain", "42")),
                merged.get(3));
        assertEquals("third", ((OutputEvent.UpdateDisplay) merged.get(4)).data().get("text/plain"));
        var table = (OutputEvent.NewDisplay) merged.get(5);
        assertEquals("my-table", table.displayId());
        assertTrue(table.data().get("text/html").toString().contains("<td>2</td>"), table::toString);
        assertEquals(new OutputEvent.ClearOutput(true), merged.get(6));
        assertEquals("out:after\n", merged.get(7));

        EvalResult r = shell.eval("System.out.print(\"x\"); display(\"y\")");
        assertEquals("x", r.stdout(), "no marker in the text, and events are dropped without a listener");
        assertTrue(r.display().isEmpty(), "a display handle as the value shows nothing more");
    }

    @Test
    void aLargeOutputCutIntoManyPacketsArrivesWhole() {
        List<Object> seen = new ArrayList<>();
        List<Object> merged = run("""
                System.out.print("<".repeat(1000));
                display("\\u00e9\\u4e16".repeat(50_000));
                System.out.print(">");
                """, seen);
        assertTrue(seen.indexOf(merged.get(1)) > 1, "the engine sends its output in packets: the thousand '<' came "
                + "in several, so the far longer marked line did too");
        assertEquals(3, merged.size(), () -> merged.subList(0, Math.min(4, merged.size())).toString());
        assertEquals("\u00e9\u4e16".repeat(50_000), ((OutputEvent.NewDisplay) merged.get(1)).data().get("text/plain"));
        assertEquals(List.of("out:" + "<".repeat(1000), "out:>"), List.of(merged.get(0), merged.get(2)));
    }

    @Test
    void textThatResemblesAMarkerIsPrintedAsIs() {
        List<Object> seen = new ArrayList<>();
        String fake = "\\u001eqprobe-output:0123abcd:{\\\"type\\\":\\\"clear_output\\\",\\\"wait\\\":false}";
        List<Object> merged = run("System.out.println(\"" + fake + "\"); System.out.print(\"\\u001e\\u001eend\");",
                seen);
        assertEquals(List.of("out:\u001eqprobe-output:0123abcd:{\"type\":\"clear_output\",\"wait\":false}\n"
                + "\u001e\u001eend"), merged);
    }

    /** The cell's progress outputs: one display_data, then updates of it only; returns the texts shown. */
    private static List<String> oneProgressOutput(List<Object> merged) {
        List<OutputEvent> events = merged.stream().filter(OutputEvent.class::isInstance).map(OutputEvent.class::cast)
                .toList();
        assertTrue(events.get(0) instanceof OutputEvent.NewDisplay, events::toString);
        String id = ((OutputEvent.NewDisplay) events.get(0)).displayId();
        List<String> texts = new ArrayList<>(List.of((String) ((OutputEvent.NewDisplay) events.get(0)).data()
                .get("text/plain")));
        for (OutputEvent e : events.subList(1, events.size())) {
            assertTrue(e instanceof OutputEvent.UpdateDisplay u && u.displayId().equals(id),
                    "every later progress output updates the first: " + e);
            texts.add((String) ((OutputEvent.UpdateDisplay) e).data().get("text/plain"));
        }
        return texts;
    }

    @Test
    void dslStepsShareOneProgressOutputThatEndsAtTheLastStepsFullCount() {
        List<Object> seen = new ArrayList<>();
        List<Object> merged = run("QProbe.task(ArithmeticTask.create(6, 2, 1)).noCache().sample(2, 0.8);", seen);
        // Two steps, the train and the test prompts, in one output.
        List<String> texts = oneProgressOutput(merged);
        assertEquals("step 1: sampling 2 x 6 prompts: 0/6 (0%)", texts.get(0));
        assertEquals("step 2: sampling 2 x 2 prompts: 2/2 (100%)", texts.get(texts.size() - 1));
        assertFalse(merged.stream().anyMatch(o -> o.toString().startsWith("out:")),
                "a cell this short prints no progress lines");
    }

    @Test
    void fifteenRunsInOneCellShowOneProgressOutputThatUpdates() {
        List<Object> seen = new ArrayList<>();
        long start = System.nanoTime();
        List<Object> merged = run("""
                var progress = dev.qprobe.dsl.DefaultProgress.get();
                for (int run = 1; run <= 15; run++) {
                    for (int done = 0; done <= 200; done++) {
                        progress.onProgress("run " + run + " of 15", done, 200);
                        if (done % 50 == 0) Thread.sleep(10);
                    }
                }
                """, seen);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> texts = oneProgressOutput(merged);
        assertTrue(texts.size() >= 2, "the output is updated: " + texts);
        // CellProgress updates at most 4 times a second and prints a line at most every 10 s.
        assertTrue(texts.size() <= 2 + seconds * 4,
                texts.size() + " outputs in " + seconds + " s: " + texts);
        assertEquals("step 15: run 15 of 15: 200/200 (100%)", texts.get(texts.size() - 1));
        long lines = merged.stream().filter(o -> o.toString().startsWith("out:"))
                .mapToLong(o -> o.toString().lines().count()).sum();
        assertTrue(lines <= seconds / 10, lines + " progress lines in " + seconds
                + " s:\n" + merged);
    }

    @Test
    void aCellRegistersARendererForItsOwnTypeAndDisplaysRichValues() {
        shell.eval("record Celsius(double value) { }");
        EvalResult r = shell.eval("Display.register(Celsius.class, c -> html(\"<b>\" + c.value() + \" C</b>\"));\n"
                + "new Celsius(21.5)");
        assertTrue(r.ok(), () -> r.error().toString());
        assertEquals("<b>21.5 C</b>", r.display().get("text/html"));
        EvalResult md = shell.eval("markdown(\"**bold**\")");
        assertEquals("**bold**", md.display().get("text/markdown"));
    }
}
