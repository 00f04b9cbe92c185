package dev.qprobe.task.code;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;

/** Reading from and deleting the scratch directories that sandboxed code wrote into. */
final class ScratchDirs {
    private ScratchDirs() {
    }

    /**
     * A file that sandboxed code may have replaced by a link, a FIFO or a huge file: read only if
     * it is a regular file (links not followed) of at most {@code limit} bytes; else null.
     */
    static String readSmallRegularFile(Path file, long limit) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
        if (!a.isRegularFile() || a.size() > limit) {
            return null;
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(ch)) {
            byte[] bytes = in.readNBytes((int) limit + 1);
            return bytes.length > limit ? null : new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Deletes a scratch directory, making directories writable first (jobs may chmod them). */
    static void delete(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    try {
                        Files.setPosixFilePermissions(dir, EnumSet.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                    } catch (IOException | UnsupportedOperationException e) {
                        // Best effort: the deletes below say whether it mattered.
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A scratch directory left behind in the temp directory is untidy, not wrong.
            System.err.println("qprobe: could not delete sandbox scratch directory " + root + ": " + e);
        }
    }
}
