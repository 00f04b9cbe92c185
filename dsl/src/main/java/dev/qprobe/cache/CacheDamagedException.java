package dev.qprobe.cache;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A cache directory whose identifying bytes (the log's header or {@code key.json}) fail their
 * check, so the cache cannot be opened as it is. Nothing was changed; the message says which file
 * and offers {@code qprobe cache verify DIR} and {@code qprobe cache repair DIR}, which salvages
 * every valid record ({@link CacheRepair}).
 */
public final class CacheDamagedException extends IOException {
    private final Path directory;

    CacheDamagedException(Path directory, String what) {
        super("cache " + directory + " is damaged: " + what + ". Nothing was changed. See what can be saved with"
                + " `qprobe cache verify " + directory + "`; `qprobe cache repair " + directory + "` rewrites what"
                + " is damaged and keeps every valid record (damaged bytes are kept aside as *.damaged-<time>)");
        this.directory = directory;
    }

    /** The damaged cache's directory. */
    public Path directory() {
        return directory;
    }
}
