package dev.qprobe.dsl;

import dev.qprobe.task.Task;
import java.util.List;

/**
 * The fluent entry point. Each step returns a new immutable value; sampling and embedding are
 * cached on disk, so re-running a notebook cell is instant:
 * <pre>{@code
 * var run = QProbe.task(Tasks.arithmetic())
 *         .model(Models.builtin())
 *         .sample(48, 0.8)
 *         .embed(Embed.hidden(-1))
 *         .probe(Objective.PG, Objective.MSE, Objective.CE)
 *         .select(Beta.standard());
 * run.table();
 * }</pre>
 */
public final class QProbe {
    /**
     * What a notebook or {@code qprobe shell} session imports before its first line: the DSL and
     * its vocabulary, {@code java.nio.file} for paths and Tablesaw's tables.
     */
    public static final List<String> IMPORTS = List.of("dev.qprobe.dsl.*", "dev.qprobe.task.*", "dev.qprobe.train.*",
            "dev.qprobe.probe.*", "dev.qprobe.data.*", "dev.qprobe.eval.*", "dev.qprobe.model.*", "dev.qprobe.io.*",
            "java.nio.file.*", "tech.tablesaw.api.*");

    private QProbe() {
    }

    /** Starts an experiment on {@code task} (the built-in model unless {@code model(...)} says otherwise). */
    public static Experiment task(Task task) {
        return Experiment.of(task);
    }
}
