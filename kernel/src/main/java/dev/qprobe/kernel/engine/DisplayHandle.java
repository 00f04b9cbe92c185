package dev.qprobe.kernel.engine;

/**
 * Names an output made by {@link Notebook#display(Object)}, to replace it later. As a cell's
 * value it shows nothing, so a cell ending in {@code display(x)} shows {@code x} once.
 *
 * @param id the Jupyter display id
 */
public record DisplayHandle(String id) {

    /** Replaces the output by {@code value}, where it stands. */
    public void update(Object value) {
        Notebook.updateDisplay(id, value);
    }
}
