package dev.qprobe.kernel.eval;

/** Thrown when a cell is interrupted while it waits for the engine to start. */
final class InterruptedWhileStarting extends RuntimeException {
    private static final long serialVersionUID = 1L;
}
