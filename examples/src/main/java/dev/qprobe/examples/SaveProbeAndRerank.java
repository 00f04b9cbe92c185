package dev.qprobe.examples;

import dev.qprobe.dsl.Embed;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.dsl.Features;
import dev.qprobe.dsl.Models;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.train.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;

import java.util.List;
import java.util.Locale;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * A probe's life after the experiment: train a PG probe on the built-in model's hidden states,
 * save it with {@link ProbeFile} (one JSON file, with what produced it), load it back as a
 * deployment would, and use it to pick the best of k FRESH completions for prompts it has never
 * seen. Prints each new prompt's pick and how often the picks are right, against a random pick.
 *
 * <p>The file records which features the probe expects ({@code provenance.features}); loading
 * checks it against the embedder at hand, since a probe applied to other features gives
 * meaningless scores without any error.
 *
 * <pre>
 * examples/run SaveProbeAndRerank
 * examples/run SaveProbeAndRerank --train 100 --k 16 --new 20 --probe-file pg-probe.json
 * </pre>
 * Options: {@code --train N} prompts to train on (default 100), {@code --k K} samples per prompt
 * for training and for reranking (at least 8, the PG probe's training chunk; default 16), {@code --new N} unseen prompts to rerank (default
 * 20), {@code --probe-file FILE} (default {@code pg-probe.json} in a new temporary directory),
 * {@code --cache DIR} as in {@link QuickStart}.
 */
public final class SaveProbeAndRerank {
    private static final String USAGE = "SaveProbeAndRerank [--train N] [--k K] [--new N] [--probe-file FILE] "
            + "[--cache DIR]";
    /** Seeds the fresh completions: not the seed the training samples were drawn with. */
    private static final long FRESH_SEED = 2024;

    private SaveProbeAndRerank() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, USAGE, Set.of("train", "k", "new", "probe-file", "cache"));
        int k = options.count("k", 16);
        Path file = options.has("probe-file") ? options.path("probe-file")
                : Files.createTempDirectory("qprobe-probe-").resolve("pg-probe.json");
        // The DSL needs test prompts too; one is enough, as only the train prompts matter here.
        ArithmeticTask task = ArithmeticTask.create(options.count("train", 100), 1, 1);

        // 1. Train: the four verbs up to probe(); no evaluation needed.
        Experiment experiment = QProbe.task(task).model(Models.builtin());
        if (options.has("cache")) {
            experiment = experiment.cache(options.path("cache"));
        }
        Features features = experiment.sample(k, 0.8).embed(Embed.hidden(-1));
        Probe trained = features.probe(Objective.PG).probe(Objective.PG);

        // 2. Save: the weights, the standardization, and the provenance the probe carries.
        ProbeFile.write(file, trained);
        System.out.printf(Locale.ROOT, "saved  %s (%s, %d bytes)%n", file, trained, Files.size(file));

        // 3. Load, as a service that reranks would, and check the features it expects.
        Probe probe = ProbeFile.read(file);
        Embedder embedder = Models.builtin().hiddenStates(-1, false);
        if (!embedder.id().equals(probe.provenance().features())) {
            throw new IllegalStateException(file + " was trained on features " + probe.provenance().features()
                    + ", not " + embedder.id());
        }
        System.out.printf(Locale.ROOT, "loaded %s; scores the test features as the trained probe did: %b%n", probe,
                Arrays.equals(probe.scores(features.test()), trained.scores(features.test())));

        // 4. Rerank k fresh completions of each new prompt.
        Sampler sampler = Models.builtin().sampler();
        SamplingConfig fresh = features.samples().config().withSeed(FRESH_SEED);
        SplittableRandom rng = new SplittableRandom(0);
        double picked = 0;
        double random = 0;
        List<Prompt> newPrompts = unseenPrompts(task, options.count("new", 20));
        for (Prompt prompt : newPrompts) {
            List<String> candidates = sampler.sample(prompt.text(), fresh).stream().map(Completion::text).toList();
            int choice = probe.select(embedder.embed(prompt.text(), candidates), 0, rng);
            double reward = task.reward(prompt, candidates.get(choice));
            long right = candidates.stream().filter(c -> task.reward(prompt, c) == 1).count();
            System.out.printf(Locale.ROOT, "rerank %-9s -> %-32s reward %.0f (%d of %d candidates right)%n",
                    prompt.text(), "\"" + candidates.get(choice) + "\"", reward, right, candidates.size());
            picked += reward;
            random += (double) right / candidates.size();
        }
        System.out.printf(Locale.ROOT, "on %d new prompts the probe's pick is right %.3f of the time; a random pick %.3f%n",
                newPrompts.size(), picked / newPrompts.size(), random / newPrompts.size());
    }

    /** {@code count} addition prompts that are in neither of {@code task}'s prompt sets. */
    static List<Prompt> unseenPrompts(ArithmeticTask task, int count) {
        Set<String> seen = new HashSet<>();
        task.trainPrompts().forEach(p -> seen.add(problem(p)));
        task.testPrompts().forEach(p -> seen.add(problem(p)));
        // Another seed gives other problems; drop the few that happen to coincide.
        ArithmeticTask other = ArithmeticTask.create(count + seen.size(), 1, 7);
        return other.trainPrompts().stream().filter(p -> !seen.contains(problem(p))).limit(count).toList();
    }

    /** The problem a prompt {@code "a+b="} poses, the same for a+b and b+a: "min+max". */
    static String problem(Prompt prompt) {
        String[] operands = prompt.text().replace("=", "").split("\\+");
        int a = Integer.parseInt(operands[0]);
        int b = Integer.parseInt(operands[1]);
        return Math.min(a, b) + "+" + Math.max(a, b);
    }
}
