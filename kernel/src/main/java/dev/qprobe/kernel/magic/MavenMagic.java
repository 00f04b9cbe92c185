package dev.qprobe.kernel.magic;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import org.eclipse.aether.resolution.DependencyResolutionException;

/**
 * {@code %maven group:artifact:version ...}: resolves the artifacts and their runtime
 * dependencies with Maven's resolver (the user's settings: local repository, mirrors, offline)
 * and adds the jars to the class path as {@code %classpath} does, so they stay across engine
 * restarts. A dependency the kernel already ships in another version is reported, not added
 * (the kernel's copy is the one the engine loads; two on one class path would shadow each other).
 */
final class MavenMagic implements LineMagic {
    /** A jar name as Maven writes it: artifact-version.jar (the version starts with a digit). */
    private static final Pattern JAR_NAME = Pattern.compile("(.+?)-(\\d[^/]*?)\\.jar");
    private final Supplier<MavenResolver> resolver;

    MavenMagic() {
        this(MavenResolver::fromUserSettings);
    }

    /** @param resolver the Maven set-up, read when the magic runs (tests give their own) */
    MavenMagic(Supplier<MavenResolver> resolver) {
        this.resolver = resolver;
    }

    @Override
    public String name() {
        return "maven";
    }

    @Override
    public String arguments() {
        return "G:A:V...";
    }

    @Override
    public String description() {
        return "add Maven artifacts and their dependencies (from your Maven settings' repositories)";
    }

    @Override
    public void run(List<String> arguments, MagicContext context) throws MagicException {
        if (arguments.isEmpty()) {
            throw new MagicException("%maven needs at least one artifact, such as %maven org.apache.commons:commons-math3:3.6.1");
        }
        for (String a : arguments) {
            if (a.split(":").length < 3 || a.startsWith(":") || a.endsWith(":") || a.contains("::")) {
                throw new MagicException("%maven: " + a + " is not group:artifact:version");
            }
        }
        MavenResolver maven;
        Map<String, File> jars;
        try {
            maven = resolver.get();
            jars = maven.resolve(arguments);
        } catch (IllegalArgumentException e) {
            throw new MagicException("%maven: " + e.getMessage());
        } catch (DependencyResolutionException e) {
            maven = resolver.get();
            throw new MagicException("%maven: cannot resolve " + String.join(" ", arguments) + ": " + firstLine(e)
                    + " (repositories tried: " + maven.describe() + ")");
        }
        Map<String, String> shipped = shippedVersions();
        List<Path> added = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<String> same = new ArrayList<>();
        jars.forEach((coordinates, file) -> {
            String[] gav = coordinates.split(":");
            String ours = shipped.get(gav[1]);
            if (ours == null) {
                added.add(file.toPath());
            } else if (ours.equals(gav[2])) {
                same.add(coordinates);
            } else {
                conflicts.add(coordinates + " (the kernel ships " + gav[1] + " " + ours + ", which stays in use)");
            }
        });
        if (!added.isEmpty()) {
            try {
                context.evaluator().addToClasspath(added);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new MagicException("%maven: " + e.getMessage());
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(added.isEmpty() ? "Nothing new to add to the class path" : "Added to the class path:");
        jars.forEach((coordinates, file) -> {
            if (added.contains(file.toPath())) {
                report.append("\n  ").append(coordinates).append("  ").append(file);
            }
        });
        if (!same.isEmpty()) {
            report.append("\nAlready on the kernel's class path: ").append(String.join(", ", same));
        }
        if (!conflicts.isEmpty()) {
            report.append("\nVersion conflicts, not added:\n  ").append(String.join("\n  ", conflicts));
        }
        context.print(report.append("\n").toString());
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** Artifact id to version of each jar on the engine's class path (the kernel's own), by file name. */
    static Map<String, String> shippedVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Matcher m = JAR_NAME.matcher(Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName()
                    .toString());
            if (m.matches()) {
                versions.putIfAbsent(m.group(1), m.group(2));
            }
        }
        return versions;
    }
}
