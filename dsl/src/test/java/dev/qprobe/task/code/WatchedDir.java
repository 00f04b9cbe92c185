package dev.qprobe.task.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A directory for escape tests: a world-writable "victim" folder with a world-writable file (so
 * only the jail, not file permissions, can keep sandboxed code out), next to the folder the
 * sandbox makes its scratch directories in; {@link #snapshot} records every entry below it.
 */
final class WatchedDir {
    final Path root;
    final Path victim;
    final Path victimFile;
    final Path scratchParent;

    private WatchedDir(Path root) throws IOException {
        this.root = root;
        this.victim = Files.createDirectory(root.resolve("victim"));
        this.victimFile = Files.writeString(victim.resolve("victim.txt"), "keep me\n");
        this.scratchParent = Files.createDirectory(root.resolve("scratch"));
        for (Path p : new Path[] {root, victim, scratchParent}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Files.setPosixFilePermissions(victimFile, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    /** A fresh watched directory in the temp directory (deleted by {@link #delete}). */
    static WatchedDir create() throws IOException {
        return new WatchedDir(Files.createTempDirectory("qprobe-watched-").toRealPath());
    }

    /**
     * Path, type, size, modification time, owner and permissions of every entry below the root;
     * for the scratch parent only what it holds (its own time changes with every job).
     */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(scratchParent)) {
                    entries.put("scratch", "the scratch parent");
                    continue;
                }
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                entries.put(root.relativize(p).toString(), (a.isDirectory() ? "d " : a.isRegularFile() ? "f " : "o ")
                        + a.size() + " " + a.lastModifiedTime() + " " + a.owner() + " "
                        + PosixFilePermissions.toString(a.permissions()));
            }
        }
        return entries;
    }

    void delete() {
        ScratchDirs.delete(root);
    }
}
