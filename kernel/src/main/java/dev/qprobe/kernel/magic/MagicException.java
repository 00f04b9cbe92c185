package dev.qprobe.kernel.magic;

/** A magic line that cannot be run; the message says why, naming the magic. */
public final class MagicException extends Exception {
    private static final long serialVersionUID = 1L;

    public MagicException(String message) {
        super(message);
    }
}
