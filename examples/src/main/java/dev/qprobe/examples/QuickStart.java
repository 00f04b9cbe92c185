package dev.qprobe.examples;

import dev.qprobe.dsl.Beta;
import dev.qprobe.dsl.Embed;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.dsl.Models;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.dsl.Results;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.train.Objective;
import java.nio.file.Path;
import java.util.Set;

/**
 * The whole method in one chain, on the built-in model and arithmetic task (offline, no
 * download): sample k completions per prompt, take the model's last hidden state as features,
 * train a PG and an MSE linear probe on the train prompts, and evaluate selection on the test
 * prompts. Prints the one-line summary and the table (method x k x beta -> reward with its 95%
 * CI and the KL from the base model, with the base rate and the best-of-k oracle for reference).
 *
 * <p>Run it from the repository root ({@code examples/run} builds on first use):
 * <pre>
 * examples/run QuickStart
 * examples/run QuickStart --train 100 --test 50 --k 16 --out quick-start-out
 * </pre>
 * Options: {@code --train N} and {@code --test N} prompts (default 100 and 50), {@code --k K}
 * samples per prompt (at least 8, the PG probe's training chunk; default 16), {@code --cache DIR} for samples and features (default
 * {@code $QPROBE_CACHE} or {@code ~/.cache/qprobe}), {@code --out DIR} to also save the table,
 * the charts and the probes there.
 */
public final class QuickStart {
    private static final String USAGE = "QuickStart [--train N] [--test N] [--k K] [--cache DIR] [--out DIR]";

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, USAGE, Set.of("train", "test", "k", "cache", "out"));
        ArithmeticTask task = ArithmeticTask.create(options.count("train", 100), options.count("test", 50), 1);
        Path cache = options.has("cache") ? options.path("cache") : Experiment.defaultCache();

        Results run = QProbe.task(task)
                .model(Models.builtin())
                .cache(cache)
                .sample(options.count("k", 16), 0.8)      // k completions per prompt at temperature 0.8
                .embed(Embed.hidden(-1))                  // features: the last block's hidden state
                .probe(Objective.PG, Objective.MSE)       // one linear probe per objective
                .select(Beta.of(0, 0.1));                 // argmax, and softmax(Q / 0.1)

        System.out.println(run);
        System.out.println(run.table().printAll());
        if (options.has("out")) {
            System.out.println("saved table, charts and probes to " + run.save(options.path("out")));
        }
    }
}
