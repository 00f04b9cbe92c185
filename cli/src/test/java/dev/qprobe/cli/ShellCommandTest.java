package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/** The shell's start-up imports work in a real JShell with the library on its class path. */
class ShellCommandTest {

    @Test
    void startupImportsMakeTheDslUsable() {
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            for (String i : dev.qprobe.dsl.QProbe.IMPORTS) {
                assertValid(shell.eval("import " + i + ";"), i);
            }
            List<SnippetEvent> beta = shell.eval("Beta.standard().values().length");
            assertValid(beta, "Beta.standard()");
            assertEquals("4", beta.get(0).value());
            // Collections, charts and selection by their simple names, as notebook cells use them.
            List<SnippetEvent> common = shell.eval("new ArrayList<>(List.of(Selection.probabilities(new double[] {0, 1}, 0)[1],"
                    + " Charts.lines(\"t\", \"x\", \"y\", Map.of(\"s\", List.of(Point.of(1, 2)))).width())).size()");
            assertValid(common, "java.util, dev.qprobe.select and dev.qprobe.report names");
            assertEquals("2", common.get(0).value());
            List<SnippetEvent> task = shell.eval("QProbe.task(Tasks.arithmetic()).task().name()");
            assertValid(task, "QProbe.task");
            assertTrue(task.get(0).value().contains("arithmetic"), task.get(0).value());
        }
    }

    private static void assertValid(List<SnippetEvent> events, String what) {
        for (SnippetEvent e : events) {
            assertEquals(Snippet.Status.VALID, e.status(), what + ": " + e);
            assertEquals(null, e.exception(), what + ": " + e.exception());
        }
    }
}
