package dev.qprobe.cli;

import java.nio.file.Path;

/** The sample cache the demo's test and the README's snippets share, so the built-in task is sampled once per build. */
public final class DemoCache {
    public static final Path DIR = Path.of("target", "qprobe-test-cache");

    private DemoCache() {
    }
}
