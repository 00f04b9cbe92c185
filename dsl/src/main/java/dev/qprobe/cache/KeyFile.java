package dev.qprobe.cache;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code key.json}: a cache's key in plain text, for people and for {@code qprobe cache verify}.
 * Its checksum is the directory's name: the key's SHA-256 digest.
 */
final class KeyFile {
    static final String NAME = "key.json";

    private KeyFile() {
    }

    /** What {@code key.json} holds. */
    sealed interface State permits Missing, Valid, Damaged {
    }

    record Missing() implements State {
    }

    record Valid(CacheKey key) implements State {
    }

    record Damaged(String reason) implements State {
    }

    /** Reads and checks the key file of {@code directory}, whose name must be the key's digest. */
    static State read(Path directory) throws IOException {
        Path file = directory.resolve(NAME);
        if (!Files.exists(file)) {
            return new Missing();
        }
        CacheKey found;
        try {
            Map<String, String> entries = CacheKey.parseJson(Files.readString(file));
            found = CacheKey.of(entries.entrySet().stream()
                    .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new));
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return new Damaged("it cannot be read (" + e.getMessage() + ")");
        }
        String name = directory.getFileName().toString();
        if (!found.digest().equals(name)) {
            return new Damaged("it describes " + found.entries() + ", whose digest " + found.digest()
                    + " is not the directory's name " + name + " (checksum mismatch: the file was damaged or edited)");
        }
        return new Valid(found);
    }

    /** Writes the key file of {@code key} into {@code directory}, whole or not at all. */
    static void write(Path directory, CacheKey key) throws IOException {
        Path file = directory.resolve(NAME);
        Path temp = Files.createTempFile(directory, "." + NAME + ".", ".tmp");
        try {
            Files.writeString(temp, key.toJson());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
