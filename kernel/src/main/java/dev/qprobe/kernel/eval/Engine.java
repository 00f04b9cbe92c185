package dev.qprobe.kernel.eval;

import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.JShell;

/** One JShell and whether its JVM has ended (JShell closes itself then). */
record Engine(JShell shell, AtomicBoolean ended) {
}
