package dev.qprobe.kernel.eval;

import java.util.List;

/**
 * Completions at a cursor: each of {@code matches} replaces the cell's text from {@code start}
 * to {@code end} (the cursor), as Jupyter's {@code complete_reply} wants.
 */
public record Completion(List<String> matches, int start, int end) {

    public Completion {
        matches = List.copyOf(matches);
    }
}
