package dev.qprobe.kernel.magic;

import dev.qprobe.kernel.engine.Notebook;
import dev.qprobe.kernel.engine.OutputEvent;
import dev.qprobe.kernel.eval.EvalResult.CellError.Kind;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.InputSource;
import dev.qprobe.kernel.eval.IsComplete;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs cells that start with magics: lines that start with {@code %} and speak to the kernel
 * rather than to Java. Line magics ({@link LineMagic}) run in order before the cell's Java; a cell
 * magic ({@link CellMagic}, such as {@code %%time}) must be the first line and wraps everything
 * after it. Which magics exist is the {@link MagicRegistry}'s business. Blank lines and
 * {@code //} comments may sit between magic lines. The Java keeps its line numbers, so errors
 * name the lines the user sees.
 */
public final class Magics {
    private final JShellEvaluator evaluator;
    private final Path workingDirectory;
    private final MagicRegistry registry;

    /**
     * The {@link MagicRegistry#standard() standard} magics for cells run by {@code evaluator}.
     *
     * @param workingDirectory what relative paths of magics start from: the kernel's (and the
     *                         engine's) working directory, usually the notebook's
     */
    public Magics(JShellEvaluator evaluator, Path workingDirectory) {
        this(evaluator, workingDirectory, MagicRegistry.standard());
    }

    public Magics(JShellEvaluator evaluator, Path workingDirectory, MagicRegistry registry) {
        this.evaluator = evaluator;
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        this.registry = registry;
    }

    /** A magic line: its name without {@code %}, its arguments and its line number in the cell. */
    record Line(String name, List<String> arguments, int number) {
    }

    /**
     * A cell taken apart.
     *
     * @param cellMagic its cell magic's name ({@code %%name} on the first line), or null
     * @param magics    its line magics, in order
     * @param java      the rest: the cell with its magic lines blanked, so line numbers stay
     */
    record Parsed(String cellMagic, List<Line> magics, String java) {
        boolean timed() {
            return "time".equals(cellMagic);
        }
    }

    /** Splits {@code cell} into its magics and its Java. */
    Parsed parse(String cell) throws MagicException {
        String[] lines = cell.split("\n", -1);
        String cellMagic = null;
        List<Line> magics = new ArrayList<>();
        boolean inJava = false;
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            boolean wasFirst = first;
            first &= line.isEmpty();
            if (!line.startsWith("%")) {
                inJava |= !line.isEmpty() && !line.startsWith("//");
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String name = words[0];
            String rest = words.length > 1 ? words[1] : "";
            if (inJava) {
                if (registry.isKnown(name)) {
                    throw new MagicException(name + " on line " + (i + 1) + ": magics go at the top of the cell,"
                            + " before its Java");
                }
                continue; // Java after all, such as the "% 2" of a modulo continued from the line above
            }
            if (name.startsWith("%%")) {
                if (registry.cellMagic(name.substring(2)).isEmpty()) {
                    throw new MagicException("unknown cell magic " + name + "; the magics are " + registry.known());
                }
                if (!wasFirst) {
                    throw new MagicException(name + " must be the first line of the cell (it is line " + (i + 1) + ")");
                }
                if (!rest.isEmpty()) {
                    throw new MagicException(name + " takes no arguments: put the code on the lines below it");
                }
                cellMagic = name.substring(2);
            } else {
                String magic = name.substring(1);
                if (registry.lineMagic(magic).isEmpty()) {
                    throw new MagicException("unknown magic " + name + "; the magics are " + registry.known());
                }
                magics.add(new Line(magic, words(rest, name), i + 1));
            }
            lines[i] = ""; // blank, so that the Java keeps its line numbers
        }
        return new Parsed(cellMagic, List.copyOf(magics), String.join("\n", lines));
    }

    /** The arguments of a magic: separated by spaces, or quoted with {@code "} or {@code '} to hold spaces. */
    static List<String> words(String text, String magic) throws MagicException {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new MagicException(magic + ": the quote " + quote + " is not closed");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * Runs a cell: its magics, then its Java in the evaluator.
     *
     * @param stdout  if not null, gets what the magics print and the Java's standard output as it comes
     * @param stderr  likewise for standard error
     * @param outputs if not null, gets what the Java publishes while it runs ({@link Notebook})
     * @param stdin   where the Java's {@code System.in} reads come from
     * @return the cell's outcome; a bad magic line is a {@link Kind#MAGIC} error, and nothing after it runs
     */
    public EvalResult run(String cell, Consumer<String> stdout, Consumer<String> stderr, Consumer<OutputEvent> outputs,
            InputSource stdin) {
        Parsed parsed;
        try {
            parsed = parse(cell);
        } catch (MagicException e) {
            return failed(e.getMessage(), "", "");
        }
        if (parsed.cellMagic() == null && parsed.magics().isEmpty()) {
            return evaluator.eval(cell, stdout, stderr, outputs, stdin); // the common case, untouched
        }
        MagicContext context = new MagicContext(evaluator, workingDirectory, registry, stdout, stderr, stdin);
        EvalResult result = parsed.cellMagic() == null ? runParsed(parsed, context, outputs)
                : registry.cellMagic(parsed.cellMagic()).orElseThrow().run(() -> runParsed(parsed, context, outputs),
                        context);
        return new EvalResult(context.out(), context.err(), result.value(), result.display(), result.error());
    }

    private EvalResult runParsed(Parsed parsed, MagicContext context, Consumer<OutputEvent> outputs) {
        for (Line line : parsed.magics()) {
            try {
                registry.lineMagic(line.name()).orElseThrow().run(line.arguments(), context);
            } catch (MagicException e) {
                return failed(e.getMessage(), context.out(), context.err());
            }
        }
        if (parsed.java().isBlank()) {
            return new EvalResult("", "", Optional.empty(), Map.of(), Optional.empty());
        }
        EvalResult java = evaluator.eval(parsed.java(), context.stdout(), context.stderr(), outputs, context.stdin());
        context.kept(java);
        return java;
    }

    /**
     * Whether a cell is ready to run, for console front ends: a cell magic line without code
     * below needs more lines, magic lines alone are complete, and the Java decides otherwise. A
     * bad magic line counts as complete, so that running it says what is wrong.
     */
    public IsComplete isComplete(String cell) {
        Parsed parsed;
        try {
            parsed = parse(cell);
        } catch (MagicException e) {
            return IsComplete.COMPLETE;
        }
        if (parsed.java().isBlank()) {
            return parsed.cellMagic() != null ? IsComplete.INCOMPLETE : IsComplete.COMPLETE;
        }
        return evaluator.isComplete(parsed.java());
    }

    private static EvalResult failed(String message, CharSequence out, CharSequence err) {
        CellError error = new CellError(Kind.MAGIC, "MagicError", message, List.of(message));
        return new EvalResult(out.toString(), err.toString(), Optional.empty(), Map.of(), Optional.of(error));
    }
}
