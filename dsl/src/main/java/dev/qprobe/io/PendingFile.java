package dev.qprobe.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A temporary file next to its target that replaces the target only on {@link #commit()}, so a
 * failed or interrupted write never leaves a half-written file under the target's name. Closing an
 * uncommitted file deletes it.
 */
final class PendingFile implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private PendingFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Creates the temporary file in the target's directory (same file system, so the move is a rename). */
    static PendingFile create(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        return new PendingFile(target, temp);
    }

    /** Where to write the content. */
    Path path() {
        return temp;
    }

    /** Moves the written file into place, atomically where the file system allows it. */
    void commit() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(temp);
        }
    }
}
