package dev.qprobe.cli;

import java.nio.file.Path;

/**
 * The sample cache the demo's test, the README's snippets and the notebooks (kernel module) share,
 * so the built-in task is sampled once per build: in the reactor root's target/ (tests run in
 * their module's directory), so {@code mvn clean} empties it.
 */
public final class DemoCache {
    public static final Path DIR = Path.of("..", "target", "qprobe-test-cache").toAbsolutePath().normalize();

    private DemoCache() {
    }
}
