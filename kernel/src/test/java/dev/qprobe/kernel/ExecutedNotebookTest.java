package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutedNotebookTest {
    /** Three code cells: one failed (with colours in its traceback), one showed a table, one never ran. */
    private static final String NOTEBOOK = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
              {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
              {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["int x = 1;\\n", "x / 0"],
               "outputs": [{"output_type": "error", "ename": "java.lang.ArithmeticException", "evalue": "/ by zero",
                            "traceback": ["\\u001b[31mjava.lang.ArithmeticException: / by zero\\u001b[0m",
                                          "    at <cell> (cell 1, line 2)"]}]},
              {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": "table",
               "outputs": [{"output_type": "stream", "name": "stdout", "text": ["a\\n", "b\\n"]},
                           {"output_type": "execute_result", "execution_count": 2, "metadata": {},
                            "data": {"text/html": ["<table>\\n", "<tr><td>1</td></tr>\\n", "</table>"],
                                     "text/plain": "1"}}]},
              {"cell_type": "code", "execution_count": null, "metadata": {}, "source": "later()", "outputs": []},
              {"cell_type": "code", "execution_count": null, "metadata": {}, "source": "  ", "outputs": []}
            ]}
            """;

    @TempDir
    Path dir;

    private ExecutedNotebook read(String json) throws IOException {
        Path file = dir.resolve("n.ipynb");
        Files.writeString(file, json);
        return ExecutedNotebook.read(file);
    }

    @Test
    void errorsShowTheCellAndItsTracebackWithoutColours() throws Exception {
        String errors = read(NOTEBOOK).errors();
        assertTrue(errors.startsWith("cell 1 [1] failed:\n    int x = 1;\n    x / 0\n"), errors);
        assertTrue(errors.contains("    java.lang.ArithmeticException: / by zero\n        at <cell> (cell 1, line 2)"),
                errors);
        assertFalse(errors.contains("\u001b"), errors);
    }

    @Test
    void richOutputIsFoundByMimeTypeAndContent() throws Exception {
        ExecutedNotebook notebook = read(NOTEBOOK);
        assertTrue(notebook.hasOutput("text/html", html -> html.contains("<table>\n<tr><td>1</td></tr>")));
        assertFalse(notebook.hasOutput("text/html", html -> html.contains("<img")));
        assertFalse(notebook.hasOutput("image/png", png -> true));
    }

    @Test
    void cellsWithCodeThatNeverRanAreFound() throws Exception {
        ExecutedNotebook notebook = read(NOTEBOOK);
        assertEquals(List.of(3), notebook.unexecuted().stream().map(ExecutedNotebook.CodeCell::index).toList());
        assertEquals(4, notebook.codeCells().size());
        String outline = notebook.outline();
        assertTrue(outline.contains("cell 2 [2]: stream(stdout) execute_result[text/html, text/plain]"), outline);
    }

    @Test
    void aFileThatIsNoNotebookSaysSo() throws Exception {
        String message = assertThrows(IOException.class, () -> read("{\"nbformat\": 4}")).getMessage();
        assertTrue(message.contains("n.ipynb") && message.contains("\"cells\""), message);
        message = assertThrows(IOException.class, () -> read("not json")).getMessage();
        assertTrue(message.contains("n.ipynb") && message.contains("not a notebook's JSON"), message);
    }
}
