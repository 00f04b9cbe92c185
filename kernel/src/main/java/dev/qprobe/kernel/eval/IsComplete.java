package dev.qprobe.kernel.eval;

/** Whether code typed at a console is ready to run, as Jupyter's {@code is_complete_request} asks. */
public enum IsComplete {
    /** Every snippet is complete: run it. */
    COMPLETE,
    /** More input could complete it (an open brace, a dangling {@code int x = }): keep reading. */
    INCOMPLETE,
    /** No more input can make it valid: run it to show the error. */
    INVALID
}
