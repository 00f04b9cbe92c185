package dev.qprobe.kernel.eval;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;
import jdk.jshell.SourceCodeAnalysis;

/** What JShell's source analysis says about code being typed: complete or not, completions, documentation. */
final class CodeAnalysis {
    private static final int MAX_DOCUMENTED_OVERLOADS = 10;

    private CodeAnalysis() {
    }

    /**
     * Whether {@code code} is ready to run or needs more lines, for console front ends.
     */
    static IsComplete isComplete(SourceCodeAnalysis analysis, String code) {
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case EMPTY -> {
                    return IsComplete.COMPLETE;
                }
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return IsComplete.INCOMPLETE;
                }
                default -> {
                    return IsComplete.INVALID;
                }
            }
        }
        return IsComplete.COMPLETE;
    }

    /**
     * Completions of the code before {@code cursor}; type-matching suggestions first, no
     * duplicates.
     */
    static Completion complete(SourceCodeAnalysis analysis, String code, int cursor) {
        int start = snippetStart(analysis, code, cursor);
        int[] anchor = new int[1];
        List<Suggestion> suggestions = analysis.completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        return new Completion(List.copyOf(matches), start + anchor[0], cursor);
    }

    /**
     * The signature and the javadoc summary of what is at {@code cursor}: a method (all its
     * overloads, up to ten), a type or a variable; empty if nothing is known there. Javadoc needs
     * the JDK's {@code lib/src.zip} for JDK classes; without it only signatures come back.
     */
    static Optional<String> inspect(SourceCodeAnalysis analysis, String code, int cursor) {
        int start = snippetStart(analysis, code, cursor);
        String snippet = code.substring(start);
        int at = cursor - start;
        int end = at;
        while (end < snippet.length() && Character.isJavaIdentifierPart(snippet.charAt(end))) {
            end++;
        }
        // JShell documents a method inside its parentheses, a type or variable right after its name.
        List<Documentation> docs = analysis.documentation(snippet.substring(0, end) + "(", end + 1, true);
        if (docs.isEmpty()) {
            docs = analysis.documentation(snippet.substring(0, end), end, true);
        }
        if (docs.isEmpty()) {
            docs = analysis.documentation(snippet, at, true);
        }
        String text = docs.stream().limit(MAX_DOCUMENTED_OVERLOADS)
                .map(d -> d.javadoc() == null ? d.signature() : d.signature() + "\n" + summary(d.javadoc()))
                .distinct().collect(Collectors.joining("\n\n"));
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** The javadoc's description, without its block tags. */
    private static String summary(String javadoc) {
        int tags = javadoc.indexOf("\n@");
        String description = (javadoc.startsWith("@") ? "" : tags < 0 ? javadoc : javadoc.substring(0, tags)).strip();
        int paragraph = description.indexOf("\n\n");
        return paragraph < 0 ? description : description.substring(0, paragraph);
    }

    /** Where the snippet holding {@code cursor} starts in {@code code}. */
    private static int snippetStart(SourceCodeAnalysis analysis, String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            throw new IndexOutOfBoundsException("cursor " + cursor + " outside code of length " + code.length());
        }
        int start = 0;
        String rest = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.source() == null || info.remaining().isEmpty()) {
                return start;
            }
            int consumed = rest.length() - info.remaining().length();
            if (start + consumed >= cursor) {
                return start;
            }
            start += consumed;
            rest = info.remaining();
        }
    }
}
