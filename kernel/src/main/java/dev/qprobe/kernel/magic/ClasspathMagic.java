package dev.qprobe.kernel.magic;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code %classpath PATH...} (also registered as {@code %jars}): adds jars, class directories or
 * globs to the class path of the compiler and the engine, for this engine and those after a restart.
 */
final class ClasspathMagic implements LineMagic {
    private final String name;
    /** @param name "classpath", or "jars" for the same magic under JJava's other name */
    ClasspathMagic(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String arguments() {
        return "PATH...";
    }

    @Override
    public String description() {
        return name.equals("classpath") ? "add jars or class directories to the class path (globs such as lib/*.jar too)"
                : "the same as %classpath";
    }

    @Override
    public void run(List<String> arguments, MagicContext context) throws MagicException {
        List<Path> paths = resolve(context.workingDirectory(), arguments);
        try {
            context.evaluator().addToClasspath(paths);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MagicException("%" + name + ": " + e.getMessage());
        }
        context.print("Added to the class path: " + String.join(" ", paths.stream().map(Path::toString).toList()) + "\n");
    }

    /**
     * The jars and directories that a {@code %classpath} line names, absolute: each argument is a
     * path, a glob such as {@code lib/*.jar}, or several of these joined by the platform's path
     * separator ({@code :} on Unix); a leading {@code ~} is the home directory.
     */
    List<Path> resolve(Path workingDirectory, List<String> arguments) throws MagicException {
        String name = "%" + name();
        if (arguments.isEmpty()) {
            throw new MagicException(name + " needs at least one jar or directory, such as " + name + " lib/*.jar");
        }
        List<Path> paths = new ArrayList<>();
        for (String argument : arguments) {
            for (String spec : argument.split(File.pathSeparator)) {
                if (!spec.isEmpty()) {
                    paths.addAll(resolve(workingDirectory, name, spec));
                }
            }
        }
        return paths;
    }

    private static List<Path> resolve(Path workingDirectory, String magic, String spec) throws MagicException {
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
}
