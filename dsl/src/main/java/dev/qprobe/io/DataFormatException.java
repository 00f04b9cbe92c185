package dev.qprobe.io;

/**
 * A data file could not be used because of what is in it (as opposed to an {@link java.io.IOException},
 * which means it could not be read or written at all). The message starts with the file's path and
 * says what is wrong and where (line, row or column).
 *
 * <p>Unchecked and a subclass of {@link IllegalArgumentException}, so that callers handle it like
 * the validation errors of {@code dev.qprobe.data}, or catch it specifically.
 */
public final class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message starts with the file path */
    public DataFormatException(String message) {
        super(message);
    }

    /** @param message starts with the file path */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
