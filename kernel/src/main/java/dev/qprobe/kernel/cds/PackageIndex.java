package dev.qprobe.kernel.cds;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which packages each jar of a class path holds, written next to the class archive at install.
 * It lets the cells' compiler open only the jars that hold a package it looks up
 * ({@link IndexedFileManager}): javac otherwise opens and indexes every jar of the class path on
 * its first lookup, about half a second of the first cell for the kernel's ~100 jars.
 *
 * <p>A jar counts as indexed only while its size and modification time are those recorded; one
 * rebuilt or replaced since, or not in the index at all, is listed the ordinary way.
 */
public final class PackageIndex {
    /** The index's name in its directory (the kernelspec's). */
    public static final String FILE_NAME = "packages.idx";
    private static final String HEADER = "qprobe package index 1";
    private static final String VERSIONS = "META-INF/versions/";

    private record Jar(long size, long modified, Set<String> packages) {
    }

    private final Map<String, Jar> jars;

    private PackageIndex(Map<String, Jar> jars) {
        this.jars = jars;
    }

    /** An index that knows no jar: every entry is listed the ordinary way. */
    public static PackageIndex empty() {
        return new PackageIndex(Map.of());
    }

    /** Whether the index knows no jar. */
    public boolean isEmpty() {
        return jars.isEmpty();
    }

    /** Reads the packages of every jar in {@code classPath} (directories are skipped: listing them is cheap). */
    public static PackageIndex of(List<String> classPath) throws IOException {
        Map<String, Jar> jars = new HashMap<>();
        for (String entry : classPath) {
            Path path = Path.of(entry);
            if (!Files.isRegularFile(path)) {
                continue;
            }
            Set<String> packages = new TreeSet<>();
            try (ZipFile zip = new ZipFile(path.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                    String name = versionless(e.nextElement().getName());
                    int slash = name.lastIndexOf('/');
                    if (name.endsWith(".class") && slash > 0 && !name.startsWith("META-INF/")) {
                        packages.add(name.substring(0, slash).replace('/', '.'));
                    }
                }
            } catch (IOException e) {
                throw new IOException("cannot index the packages of " + entry + ": " + e.getMessage(), e);
            }
            jars.put(entry, new Jar(Files.size(path), Files.getLastModifiedTime(path).toMillis(), packages));
        }
        return new PackageIndex(jars);
    }

    /** A multi-release jar's META-INF/versions/N/x/Y.class as x/Y.class: javac reads those too. */
    private static String versionless(String name) {
        if (name.startsWith(VERSIONS)) {
            int slash = name.indexOf('/', VERSIONS.length());
            return slash < 0 ? name : name.substring(slash + 1);
        }
        return name;
    }

    /** Writes the index: a header, then per jar a line {@code jar SIZE MTIME PATH} and its packages, one a line. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        jars.forEach((path, jar) -> {
            lines.add("jar " + jar.size() + " " + jar.modified() + " " + path);
            jar.packages().forEach(p -> lines.add("  " + p));
        });
        Files.write(file, lines, UTF_8);
    }

    /** The index in {@code file}; {@link #empty()} when there is none or it cannot be read as one. */
    public static PackageIndex read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, UTF_8);
        } catch (IOException e) {
            return empty();
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            return empty();
        }
        Map<String, Jar> jars = new HashMap<>();
        Set<String> packages = null;
        try {
            for (String line : lines.subList(1, lines.size())) {
                if (line.startsWith("jar ")) {
                    String[] parts = line.split(" ", 4);
                    packages = new TreeSet<>();
                    jars.put(parts[3], new Jar(Long.parseLong(parts[1]), Long.parseLong(parts[2]), packages));
                } else if (line.startsWith("  ") && packages != null) {
                    packages.add(line.substring(2));
                } else {
                    return empty();
                }
            }
        } catch (RuntimeException damaged) {
            return empty();
        }
        return new PackageIndex(jars);
    }

    /**
     * The packages of class path entry {@code entry}, or null when it must be listed: not a jar of
     * the index, or changed (size or time) since it was indexed.
     */
    public Set<String> packagesOf(String entry) {
        Jar jar = jars.get(entry);
        if (jar == null) {
            return null;
        }
        try {
            Path path = Path.of(entry);
            if (Files.size(path) != jar.size() || Files.getLastModifiedTime(path).toMillis() != jar.modified()) {
                return null;
            }
        } catch (IOException | RuntimeException gone) {
            return null;
        }
        return jar.packages();
    }
}
