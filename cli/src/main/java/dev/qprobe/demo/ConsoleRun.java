package dev.qprobe.demo;

import dev.qprobe.dsl.Beta;
import dev.qprobe.dsl.Features;
import dev.qprobe.dsl.Results;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingListener;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The DSL's {@code probe(...).select(...).save(...)} on the console, shared by {@code qprobe demo}
 * and {@code qprobe train}: checks every objective and k against the data before the first epoch,
 * trains one objective at a time, and saves each finished probe ({@code probes/ID.json}) and the
 * table so far ({@code results.csv}) before the next starts, so a late failure loses nothing.
 * Ends with the compact summary, the charts and each probe's provenance.
 */
public final class ConsoleRun {
    private final PrintStream out;

    public ConsoleRun(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the experiment and writes everything to {@code directory}.
     *
     * @throws IllegalArgumentException before any training when an objective or k does not suit the data
     */
    public Results run(Features features, ProbeSpec spec, TrainerConfig config, List<Objective> objectives,
                       Beta betas, int[] ks, Path directory) throws IOException {
        Objective[] all = objectives.toArray(Objective[]::new);
        features.checkObjectives(all);
        EvaluationGrid grid = features.grid(betas, ks);
        for (Objective objective : all) {
            objective.notes(features.train()).forEach(note -> out.println("note   " + note));
        }
        out.printf(Locale.ROOT, "split  train %d prompts, test %d prompts%n", features.train().promptCount(),
                features.test().promptCount());
        Files.createDirectories(directory.resolve("probes"));
        Results results = null;
        for (Objective objective : all) {
            Results one = features.probe(spec, config, progress(objective.name()), objective).select(betas,
                    grid.ks());
            results = results == null ? one : results.and(one);
            TrainingResult trained = one.probes().training().get(0);
            out.printf(Locale.ROOT, (System.console() != null ? "\r" : "") + "train  %-16s loss %.4f -> %.4f in %.2f s%s%n",
                    objective.name(),
                    trained.firstLoss(), trained.finalLoss(), trained.seconds(), System.console() != null ? "          " : "");
            trained.convergenceWarning().ifPresent(w -> out.println("       warning: " + w));
            Path file = directory.resolve("probes").resolve(objective.id() + ".json");
            ProbeFile.write(file, trained.probe());
            results.table().write().csv(directory.resolve("results.csv").toFile());
            out.println("       saved " + file);
        }
        out.println();
        out.print(results.report());
        results.save(directory);
        out.printf(Locale.ROOT, "%nprobes, charts (.png and .svg) and provenance.json -> %s%n", directory);
        out.printf(Locale.ROOT, "full table (%d rows: method x k x beta, with 95%% bootstrap CIs and KL) -> %s%n",
                results.table().rowCount(), directory.resolve("results.csv"));
        return results;
    }

    /** Epoch progress on one updating line, only on a terminal (a pipe or log gets the final line alone). */
    private TrainingListener progress(String name) {
        if (System.console() == null) {
            return TrainingListener.NONE;
        }
        return (epoch, epochs, loss) -> {
            if (epoch % 10 == 0 || epoch == epochs) {
                out.printf(Locale.ROOT, "\rtrain  %-16s epoch %d/%d, loss %.4f", name, epoch, epochs, loss);
                out.flush();
            }
        };
    }
}
