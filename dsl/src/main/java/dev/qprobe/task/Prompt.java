package dev.qprobe.task;

/** A task prompt: a stable id (for splits, caches and tables) and the text given to the model. */
public record Prompt(String id, String text) {
    public Prompt {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a prompt needs a non-blank id");
        }
        if (text == null) {
            throw new IllegalArgumentException("prompt " + id + " has no text");
        }
    }
}
