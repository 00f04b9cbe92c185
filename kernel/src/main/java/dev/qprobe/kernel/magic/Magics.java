package dev.qprobe.kernel;

import dev.qprobe.kernel.EvalResult.CellError;
import dev.qprobe.kernel.EvalResult.CellError.Kind;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The kernel's magics: lines at the top of a cell that start with {@code %} and speak to the
 * kernel rather than to Java. The line magics ({@code %classpath}, {@code %jars},
 * {@code %version}, {@code %lsmagic}) run in order before the cell's Java; the cell magic
 * {@code %%time} must be the first line and times everything after it. Blank lines and
 * {@code //} comments may sit between magic lines. The Java keeps its line numbers, so errors
 * name the lines the user sees.
 */
public final class Magics {
    /** What {@code %lsmagic} prints. */
    static final String LIST = """
            Line magics, at the top of a cell before its Java:
              %classpath PATH...  add jars or class directories to the class path (globs such as lib/*.jar too)
              %jars PATH...       the same as %classpath
              %lsmagic            list the magics
              %version            the Q-probe and Java versions and the device of the built-in model
            Cell magic, the first line of a cell:
              %%time              run the rest of the cell, then print how long it took
            """;
    private static final List<String> LINE_MAGICS = List.of("classpath", "jars", "lsmagic", "version");
    private static final String KNOWN = "%classpath, %jars, %lsmagic, %version and %%time";

    private final JShellEvaluator evaluator;
    private final Path workingDirectory;

    /**
     * Magics for cells run by {@code evaluator}.
     *
     * @param workingDirectory what relative paths of {@code %classpath} start from: the kernel's
     *                         (and the engine's) working directory, usually the notebook's
     */
    public Magics(JShellEvaluator evaluator, Path workingDirectory) {
        this.evaluator = evaluator;
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** A magic line: its name without {@code %}, its arguments and its line number in the cell. */
    record Line(String name, List<String> arguments, int number) {
    }

    /**
     * A cell taken apart.
     *
     * @param timed  whether it starts with {@code %%time}
     * @param magics its line magics, in order
     * @param java   the rest: the cell with its magic lines blanked, so line numbers stay
     */
    record Parsed(boolean timed, List<Line> magics, String java) {
    }

    /** A magic line that cannot be run; the message says why, naming the magic. */
    static final class MagicException extends Exception {
        private static final long serialVersionUID = 1L;

        MagicException(String message) {
            super(message);
        }
    }

    /** Splits {@code cell} into its magics and its Java. */
    static Parsed parse(String cell) throws MagicException {
        String[] lines = cell.split("\n", -1);
        boolean timed = false;
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
                if (isKnown(name)) {
                    throw new MagicException(name + " on line " + (i + 1) + ": magics go at the top of the cell,"
                            + " before its Java");
                }
                continue; // Java after all, such as the "% 2" of a modulo continued from the line above
            }
            if (name.startsWith("%%")) {
                if (!name.equals("%%time")) {
                    throw new MagicException("unknown cell magic " + name + "; the magics are " + KNOWN);
                }
                if (!wasFirst) {
                    throw new MagicException("%%time must be the first line of the cell (it is line " + (i + 1) + ")");
                }
                if (!rest.isEmpty()) {
                    throw new MagicException("%%time takes no arguments: put the code on the lines below it");
                }
                timed = true;
            } else {
                String magic = name.substring(1);
                if (!LINE_MAGICS.contains(magic)) {
                    throw new MagicException("unknown magic " + name + "; the magics are " + KNOWN);
                }
                magics.add(new Line(magic, words(rest, name), i + 1));
            }
            lines[i] = ""; // blank, so that the Java keeps its line numbers
        }
        return new Parsed(timed, List.copyOf(magics), String.join("\n", lines));
    }

    private static boolean isKnown(String name) {
        return name.equals("%%time") || LINE_MAGICS.contains(name.substring(1));
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
        if (!parsed.timed() && parsed.magics().isEmpty()) {
            return evaluator.eval(cell, stdout, stderr, outputs, stdin); // the common case, untouched
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Consumer<String> print = text -> {
            out.append(text);
            if (stdout != null) {
                stdout.accept(text);
            }
        };
        long start = System.nanoTime();
        EvalResult result = runParsed(parsed, print, stdout, stderr, outputs, stdin, out, err);
        if (parsed.timed()) {
            print.accept("Wall time: " + format(Duration.ofNanos(System.nanoTime() - start)) + "\n");
        }
        return new EvalResult(out.toString(), err.toString(), result.value(), result.display(), result.error());
    }

    private EvalResult runParsed(Parsed parsed, Consumer<String> print, Consumer<String> stdout,
            Consumer<String> stderr, Consumer<OutputEvent> outputs, InputSource stdin, StringBuilder out,
            StringBuilder err) {
        for (Line magic : parsed.magics()) {
            switch (magic.name()) {
                case "classpath", "jars" -> {
                    try {
                        List<Path> paths = resolve(magic);
                        evaluator.addToClasspath(paths);
                        print.accept("Added to the class path: " + String.join(" ",
                                paths.stream().map(Path::toString).toList()) + "\n");
                    } catch (MagicException e) {
                        return failed(e.getMessage(), out, err);
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        return failed("%" + magic.name() + ": " + e.getMessage(), out, err);
                    }
                }
                case "lsmagic" -> print.accept(LIST);
                case "version" -> {
                    EvalResult r = evaluator.eval("System.out.print(" + EngineInfo.class.getName() + ".describe());",
                            stdout, stderr, null, stdin);
                    out.append(r.stdout());
                    err.append(r.stderr());
                    if (!r.ok()) {
                        return r;
                    }
                }
                default -> throw new IllegalStateException("parse() let through %" + magic.name());
            }
        }
        if (parsed.java().isBlank()) {
            return new EvalResult("", "", Optional.empty(), Map.of(), Optional.empty());
        }
        EvalResult java = evaluator.eval(parsed.java(), stdout, stderr, outputs, stdin);
        out.append(java.stdout());
        err.append(java.stderr());
        return java;
    }

    /**
     * Whether a cell is ready to run, for console front ends: a {@code %%time} line without code
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
            return parsed.timed() ? IsComplete.INCOMPLETE : IsComplete.COMPLETE;
        }
        return evaluator.isComplete(parsed.java());
    }

    private static EvalResult failed(String message, CharSequence out, CharSequence err) {
        CellError error = new CellError(Kind.MAGIC, "MagicError", message, List.of(message));
        return new EvalResult(out.toString(), err.toString(), Optional.empty(), Map.of(), Optional.of(error));
    }

    /**
     * The jars and directories that a {@code %classpath} line names, absolute: each argument is a
     * path, a glob such as {@code lib/*.jar}, or several of these joined by the platform's path
     * separator ({@code :} on Unix); a leading {@code ~} is the home directory.
     */
    List<Path> resolve(Line magic) throws MagicException {
        String name = "%" + magic.name();
        if (magic.arguments().isEmpty()) {
            throw new MagicException(name + " needs at least one jar or directory, such as " + name + " lib/*.jar");
        }
        List<Path> paths = new ArrayList<>();
        for (String argument : magic.arguments()) {
            for (String spec : argument.split(File.pathSeparator)) {
                if (!spec.isEmpty()) {
                    paths.addAll(resolve(name, spec));
                }
            }
        }
        return paths;
    }

    private List<Path> resolve(String magic, String spec) throws MagicException {
        String expanded = spec.equals("~") || spec.startsWith("~/")
                ? System.getProperty("user.home") + spec.substring(1) : spec;
        if (!hasGlob(expanded)) {
            Path path = workingDirectory.resolve(expanded).normalize();
            if (!Files.exists(path)) {
                throw new MagicException(magic + ": " + spec + " does not exist"
                        + (spec.equals(path.toString()) ? "" : " (" + path + ")"));
            }
            return List.of(path);
        }
        // The glob starts at the first name with a wildcard; the names before it are a directory.
        Path whole = Path.of(expanded);
        Path base = whole.isAbsolute() ? whole.getRoot() : workingDirectory;
        int first = 0;
        while (first < whole.getNameCount() && !hasGlob(whole.getName(first).toString())) {
            base = base.resolve(whole.getName(first).toString());
            first++;
        }
        Path pattern = whole.subpath(first, whole.getNameCount());
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.toString().contains("**") ? Integer.MAX_VALUE : pattern.getNameCount();
        List<Path> matches = List.of();
        if (Files.isDirectory(base)) {
            Path from = base;
            try (Stream<Path> walk = Files.walk(from, depth)) {
                matches = walk.filter(p -> !p.equals(from) && matcher.matches(from.relativize(p)))
                        .map(Path::normalize).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                throw new MagicException(magic + ": cannot list " + from + " for " + spec + " (" + e.getMessage()
                        + ")");
            }
        }
        if (matches.isEmpty()) {
            throw new MagicException(magic + ": nothing matches " + spec + " (in " + base.normalize() + ")");
        }
        return matches;
    }

    private static boolean hasGlob(String text) {
        return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /** {@code 412 ms}, {@code 3.25 s}, {@code 2 min 5.0 s}. */
    static String format(Duration time) {
        long millis = time.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %.1f s", millis / 60_000, (millis % 60_000) / 1000.0);
    }
}
