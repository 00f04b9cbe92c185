package dev.qprobe.kernel.cds;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The class-data-sharing archive (AppCDS) of the kernel's and its engine's JVMs: the JDK, JShell,
 * javac and project classes they load on the way to the first cell, parsed and laid out once so
 * that each start maps them instead of loading them class by class. Both JVMs run the same
 * {@code java} with the same class path, so one archive serves both.
 *
 * <p>Made by {@link #make}: a {@link ArchiveTraining} run records which classes the two JVMs load
 * ({@code -XX:DumpLoadedClassList}), then {@code java -Xshare:dump} writes the archive. Made at
 * {@code qprobe kernel install}, and again by a kernel that finds it missing or stale. The
 * {@link PackageIndex} of the class path is written beside it.
 *
 * <p>Never in the way of a start: an archive is used only when its stamp, written after the
 * archive was complete, names this {@code java} and class path (the entries' sizes and times
 * included) and the archive's size; the JVM is told to check the archive's checksums and to fall
 * back silently ({@code -Xshare:auto}, its CDS logging off) should it reject it. The size check
 * matters: JDK 17 crashes on an archive cut short (it maps the missing part before any check),
 * where it falls back by itself for one that is stale, damaged or from another JDK.
 *
 * @param file      the archive
 * @param java      the {@code java} executable both JVMs run
 * @param classPath their class path
 */
public record ClassArchive(Path file, String java, List<String> classPath) {
    /** The archive's name in its directory (the kernelspec's). */
    public static final String FILE_NAME = "classes.jsa";
    /** Options both JVMs share that the archive depends on. */
    static final List<String> COMMON_OPTIONS = List.of("--add-modules=jdk.incubator.vector");
    private static final long DUMP_PATIENCE_SECONDS = 600;

    public ClassArchive {
        file = file.toAbsolutePath().normalize();
        classPath = List.copyOf(classPath);
    }

    /** The archive {@code file} for this JVM's {@code java} and class path. */
    public static ClassArchive forThisJvm(Path file) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(p -> !p.isEmpty()).toList();
        return new ClassArchive(file, java, classPath);
    }

    /**
     * The options that make a JVM map {@code archive}, and fall back without a word if it cannot:
     * {@code -XX:+VerifySharedSpaces} checks the archive's checksums first (a few milliseconds),
     * so that one damaged where its size does not show it is refused rather than mapped.
     */
    public static List<String> useOptions(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-XX:+VerifySharedSpaces", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off");
    }

    /** Written next to the archive once it is complete: its size and {@link #key}. */
    public Path stamp() {
        return file.resolveSibling(file.getFileName() + ".stamp");
    }

    /** The class path as one option value. */
    String joinedClassPath() {
        return String.join(File.pathSeparator, classPath);
    }

    /**
     * What the archive was made for: the JVM (its path and version) and each class path entry
     * with its size and modification time, hashed. A rebuilt jar changes it.
     */
    public String key() {
        StringBuilder what = new StringBuilder("qprobe class archive 1\n").append(java).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n');
        for (String entry : classPath) {
            Path p = Path.of(entry);
            what.append(entry);
            try {
                what.append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis());
            } catch (IOException missing) {
                what.append(" missing");
            }
            what.append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(what.toString().getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** Whether the archive is complete and made for this {@code java} and class path, so worth mapping. */
    public boolean usable() {
        try {
            List<String> lines = Files.readAllLines(stamp(), UTF_8);
            return lines.equals(List.of("size=" + Files.size(file), "key=" + key()));
        } catch (IOException | UncheckedIOException e) {
            return false; // no stamp or no archive
        }
    }

    /** The package index written beside the archive ({@link PackageIndex#empty()} if there is none). */
    public PackageIndex packageIndex() {
        return PackageIndex.read(file.resolveSibling(PackageIndex.FILE_NAME));
    }

    /** {@link #useOptions} if the archive is {@link #usable}, else none. */
    public List<String> jvmOptions() {
        return usable() ? useOptions(file) : List.of();
    }

    /**
     * Makes the archive, replacing one that is there: records the classes of an {@link
     * ArchiveTraining} run, dumps them, and writes the stamp last. Returns false without waiting
     * if another process is making it right now.
     *
     * @throws IOException if a step fails, saying which; a half-made archive is never left as {@link #usable}
     */
    public boolean make() throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(FILE_NAME + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                return false;
            }
            Files.deleteIfExists(stamp());
            Path kernelList = dir.resolve("kernel.classlist");
            Path engineList = dir.resolve("engine.classlist");
            Path merged = dir.resolve("classes.classlist");
            Path partial = dir.resolve(FILE_NAME + ".partial");
            try {
                Files.deleteIfExists(kernelList);
                Files.deleteIfExists(engineList);
                List<String> training = new ArrayList<>(List.of(java, "-XX:DumpLoadedClassList=" + kernelList));
                training.addAll(COMMON_OPTIONS);
                training.addAll(List.of("-cp", joinedClassPath(), ArchiveTraining.class.getName(),
                        "-XX:DumpLoadedClassList=" + engineList));
                run(training, "recording the classes the kernel loads");
                Files.write(merged, mergeClassLists(kernelList, engineList), UTF_8);
                Files.deleteIfExists(partial);
                List<String> dump = new ArrayList<>(List.of(java, "-Xshare:dump", "-XX:SharedClassListFile=" + merged,
                        "-XX:SharedArchiveFile=" + partial));
                dump.addAll(COMMON_OPTIONS);
                dump.addAll(List.of("-cp", joinedClassPath()));
                run(dump, "dumping the class archive");
                if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                    throw new IOException("java -Xshare:dump wrote no archive at " + partial);
                }
                move(partial, file);
                Path indexPartial = dir.resolve(PackageIndex.FILE_NAME + ".partial");
                PackageIndex.of(classPath).write(indexPartial);
                move(indexPartial, file.resolveSibling(PackageIndex.FILE_NAME));
                Path stampPartial = dir.resolve(FILE_NAME + ".stamp.partial");
                Files.write(stampPartial, List.of("size=" + Files.size(file), "key=" + key()), UTF_8);
                move(stampPartial, stamp());
                return true;
            } finally {
                for (Path p : List.of(kernelList, engineList, merged, partial)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The classes of both lists, each once, in the order they were first loaded. */
    static List<String> mergeClassLists(Path... lists) throws IOException {
        Set<String> lines = new LinkedHashSet<>();
        for (Path list : lists) {
            if (!Files.isRegularFile(list)) {
                throw new IOException("the training run wrote no class list " + list);
            }
            for (String line : Files.readAllLines(list, UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
        }
        return List.copyOf(lines);
    }

    /** Runs a JVM, its output kept for the error message; throws if it fails or hangs. */
    private static void run(List<String> command, String what) throws IOException {
        Path log = Files.createTempFile("qprobe-class-archive", ".log");
        try {
            Process process = new ProcessBuilder(niced(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = process.waitFor(DUMP_PATIENCE_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
                throw new IOException(what + " took over " + DUMP_PATIENCE_SECONDS + " s; stopped it");
            }
            if (process.exitValue() != 0) {
                throw new IOException(what + " failed (exit status " + process.exitValue() + "): "
                        + tail(Files.readString(log, UTF_8)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " was interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** At low priority where {@code nice} exists: a kernel makes the archive while its user works. */
    private static List<String> niced(List<String> command) {
        if (!Files.isExecutable(Path.of("/usr/bin/nice"))) {
            return command;
        }
        List<String> niced = new ArrayList<>(List.of("/usr/bin/nice", "-n", "10"));
        niced.addAll(command);
        return niced;
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= 2000 ? trimmed : "..." + trimmed.substring(trimmed.length() - 2000);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
