package dev.qprobe.kernel.engine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Outputs a cell publishes while it runs, for notebook cells (statically imported there):
 * <pre>{@code
 * var status = display("starting");          // a new output
 * for (int i = 1; i <= 10; i++) {
 *     work(i);
 *     updateDisplay(status, i + " of 10");   // replaced where it stands
 * }
 * display(results.table());                  // any value, rendered as the cell's value would be
 * display(markdown("**done**"));             // html(...), markdown(...), latex(...), image(...)
 * clearOutput(true);                         // clear the cell's output before the next one
 * }</pre>
 *
 * <p>These methods run in the engine's JVM and reach the kernel over {@link OutputChannel}.
 * Outside a kernel (plain JShell, a console program) {@code display} and {@code updateDisplay}
 * print the value's {@code text/plain} form on a line and {@code clearOutput} does nothing.
 */
public final class Notebook {
    /** What the kernel's engine imports besides {@link dev.qprobe.dsl.QProbe#IMPORTS}. */
    public static final List<String> ENGINE_IMPORTS = List.of("static dev.qprobe.kernel.engine.Notebook.*",
            "dev.qprobe.kernel.engine.Display");
    /** What the kernel's engine runs once started: progress of DSL steps as updating outputs. */
    public static final List<String> ENGINE_STARTUP = List.of("dev.qprobe.kernel.engine.NotebookProgress.install();");

    private Notebook() {
    }

    /**
     * Shows {@code value} as a new output of the running cell, rendered like a cell's value
     * (a table as HTML, a chart as PNG...).
     *
     * @return the output's handle, for {@link #updateDisplay(DisplayHandle, Object)}
     */
    public static DisplayHandle display(Object value) {
        return display(value, newId());
    }

    /**
     * Shows {@code value} as a new output named {@code displayId}; a later
     * {@link #updateDisplay(String, Object)} with that id replaces it (and every other output of
     * that id, in any cell).
     *
     * @throws IllegalArgumentException if {@code displayId} is blank
     */
    public static DisplayHandle display(Object value, String displayId) {
        publish(new OutputEvent.NewDisplay(displayId, Display.render(value)));
        return new DisplayHandle(displayId);
    }

    /**
     * Replaces the output(s) named {@code displayId} by {@code value}, where they stand.
     *
     * @throws IllegalArgumentException if {@code displayId} is blank
     */
    public static void updateDisplay(String displayId, Object value) {
        publish(new OutputEvent.UpdateDisplay(displayId, Display.render(value)));
    }

    /** Replaces the output that {@code handle} came with by {@code value}. */
    public static void updateDisplay(DisplayHandle handle, Object value) {
        updateDisplay(handle.id(), value);
    }

    /**
     * Clears the running cell's output.
     *
     * @param wait clear only when the next output arrives: a loop that clears and draws again
     *             then does not flicker
     */
    public static void clearOutput(boolean wait) {
        publish(new OutputEvent.ClearOutput(wait));
    }

    /** {@code chart} to be shown as SVG (vector, sharp at any zoom) instead of PNG, e.g. {@code svg(run.chart())}. */
    public static Svg svg(dev.qprobe.report.Chart chart) {
        return new Svg(chart);
    }

    /** {@code html} shown as HTML, as a cell's value or with {@link #display(Object)}. */
    public static Rich.Html html(String html) {
        return new Rich.Html(html);
    }

    /** {@code markdown} shown as Markdown. */
    public static Rich.Markdown markdown(String markdown) {
        return new Rich.Markdown(markdown);
    }

    /** LaTeX math shown as such, e.g. {@code latex("\\pi^*(y|x) \\propto \\pi_0(y|x) e^{Q/\\beta}")}. */
    public static Rich.Latex latex(String latex) {
        return new Rich.Latex(latex);
    }

    /**
     * The image file {@code path} (PNG, JPEG, GIF or SVG, told by its content).
     *
     * @throws IllegalArgumentException naming the file if it is not such an image
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     */
    public static Rich.Image image(String path) {
        return Rich.Image.of(Path.of(path));
    }

    /** {@link #image(String)} for a {@link Path}. */
    public static Rich.Image image(Path path) {
        return Rich.Image.of(path);
    }

    /** The image in {@code bytes} (PNG, JPEG, GIF or SVG). */
    public static Rich.Image image(byte[] bytes) {
        return Rich.Image.of(bytes, "the image bytes");
    }

    /** A fresh display id. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Sends {@code event} to the kernel, or prints its text outside one. */
    static void publish(OutputEvent event) {
        String token = System.getProperty(OutputChannel.TOKEN_PROPERTY);
        PrintStream out = System.out;
        if (token == null) {
            Map<String, Object> data = event instanceof OutputEvent.NewDisplay d ? d.data()
                    : event instanceof OutputEvent.UpdateDisplay u ? u.data() : null;
            if (data != null) {
                out.println(data.get("text/plain"));
            }
            return;
        }
        byte[] line = OutputChannel.line(token, event);
        // One write, so that a thread printing at the same time cannot cut into the line.
        synchronized (out) {
            out.write(line, 0, line.length);
            out.flush();
        }
    }
}
