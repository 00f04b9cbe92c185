package dev.qprobe.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** One user of a cache directory at a time: a file lock between processes, a set within this one. */
final class StoreLock {
    /** The real paths of the cache directories in use in this process. */
    private static final Set<Path> IN_USE = new HashSet<>();

    private StoreLock() {
    }

    /**
     * Marks the cache at {@code real} (a real path) as in use by this process, or fails if it is.
     * Checked before opening the log: closing any descriptor of a file drops this process's lock on
     * it (POSIX), so a refused second open must not open and close one.
     */
    static void claim(Path real, Path directory) throws IOException {
        synchronized (IN_USE) {
            if (!IN_USE.add(real)) {
                throw new IOException("cache " + directory + " is in use: it is already open in this process");
            }
        }
    }

    static void release(Path real) {
        synchronized (IN_USE) {
            IN_USE.remove(real);
        }
    }

    /** Takes the exclusive lock on {@code log} (released when it is closed), or fails if another process holds it. */
    static void lock(FileChannel log, Path directory) throws IOException {
        FileLock lock;
        try {
            lock = log.tryLock();
        } catch (OverlappingFileLockException e) {
            // Only reachable through another path to the same file (a hard link).
            throw new IOException("cache " + directory + " is in use: it is already open in this process", e);
        }
        if (lock == null) {
            throw new IOException("cache " + directory + " is in use by another process");
        }
    }
}
