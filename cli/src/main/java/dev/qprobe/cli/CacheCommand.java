package dev.qprobe.cli;

import dev.qprobe.cache.CacheRepair;
import dev.qprobe.dsl.Experiment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code qprobe cache verify|repair [DIR]}: checks the sample caches, and mends damaged ones while
 * keeping every valid record ({@link CacheRepair}).
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Check or repair the sample cache ($QPROBE_CACHE, default ~/.cache/qprobe).",
        subcommands = {CacheCommand.Verify.class, CacheCommand.Repair.class})
public final class CacheCommand {

    /** Whose caches: DIR itself if it is one, else every cache directly in it. */
    abstract static class Target implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
                description = "a cache directory, or a directory of caches (default: $QPROBE_CACHE or ~/.cache/qprobe)")
        Path dir;

        Path dir() {
            return dir != null ? dir : Experiment.defaultCache();
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every record of the cache(s) without changing anything; exit code 1 if any is damaged.")
    static final class Verify extends Target {
        @Override
        public Integer call() throws IOException {
            boolean healthy = true;
            for (Path cache : CacheRepair.caches(dir())) {
                CacheRepair.Report report = CacheRepair.verify(cache);
                System.out.print(report.text());
                healthy &= report.healthy();
            }
            if (!healthy) {
                System.out.println("Run `qprobe cache repair " + dir() + "` to salvage every valid record.");
            }
            return healthy ? 0 : 1;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = {"Mend damaged cache(s): rewrite a damaged header, move a damaged key.json aside, set damaged",
                    "records aside (as records.log.damaged-<time>) and keep every valid record."})
    static final class Repair extends Target {
        @Override
        public Integer call() throws IOException {
            boolean healthy = true;
            for (Path cache : CacheRepair.caches(dir())) {
                CacheRepair.Report before = CacheRepair.verify(cache);
                CacheRepair.Report report = before.healthy() ? before : CacheRepair.repair(cache);
                System.out.print(report.text());
                healthy &= report.healthy();
            }
            return healthy ? 0 : 1;
        }
    }
}
