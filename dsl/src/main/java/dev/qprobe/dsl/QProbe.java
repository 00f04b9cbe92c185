package dev.qprobe.dsl;

import dev.qprobe.data.SampleSet;
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
     * its vocabulary, charts and selection, the sample collector and the OpenAI-compatible client,
     * {@code java.util} (JShell's API, unlike the jshell tool, imports nothing by itself),
     * {@code java.nio.file} for paths and Tablesaw's tables.
     */
    public static final List<String> IMPORTS = List.of("dev.qprobe.dsl.*", "dev.qprobe.task.*", "dev.qprobe.train.*",
            "dev.qprobe.probe.*", "dev.qprobe.data.*", "dev.qprobe.eval.*", "dev.qprobe.model.*", "dev.qprobe.io.*",
            "dev.qprobe.report.*", "dev.qprobe.select.*", "dev.qprobe.collect.*", "dev.qprobe.model.openai.*",
            "java.util.*", "java.nio.file.*", "tech.tablesaw.api.*");

    private QProbe() {
    }

    /** Starts an experiment on {@code task} (the built-in model unless {@code model(...)} says otherwise). */
    public static Experiment task(Task task) {
        return Experiment.of(task);
    }

    /**
     * Features brought in from elsewhere (e.g. a {@code .npy} written by NumPy and loaded with
     * {@link dev.qprobe.io.SampleSetIO#load}), ready for {@code probe(...)} and {@code select(...)}
     * like features drawn here:
     * <pre>{@code
     * SampleSet all = SampleSetIO.load(Path.of("features.npy"), Path.of("samples.csv"));
     * QProbe.features("features.npy", all.splitByPrompt(0.25, 0)).probe(Objective.PG).select(Beta.of(0));
     * }</pre>
     *
     * @param source where the features come from, recorded in the results' provenance
     * @throws IllegalArgumentException on a blank source, an empty set, train and test of different
     *                                  dimensions, or a prompt in both
     */
    public static Features features(String source, SampleSet train, SampleSet test) {
        return Features.broughtIn(source, train, test);
    }

    /** {@link #features(String, SampleSet, SampleSet)} of a split's train and test sets. */
    public static Features features(String source, SampleSet.Split split) {
        return Features.broughtIn(source, split.train(), split.test());
    }
}
