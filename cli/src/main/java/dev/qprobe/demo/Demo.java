package dev.qprobe.demo;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.Defaults;
import dev.qprobe.dsl.Embed;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.dsl.Features;
import dev.qprobe.model.Model;
import dev.qprobe.dsl.Models;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.dsl.Results;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.Task;
import dev.qprobe.task.Tasks;
import dev.qprobe.task.WorkedAdditionTask;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The end-to-end Q-probe experiment, the README's main job, as a front end over the DSL. By
 * default on the built-in model and worked-addition task: sample 200 completions for every train
 * and test prompt (cached), take the last block's hidden state at the last token as features, train
 * one linear probe per objective on the train prompts, and evaluate selection over k and beta on
 * the test prompts against the base rate and the best-of-k oracle. With {@code --synthetic},
 * generated candidates replace the model (no sampling; seconds). Every setting is the DSL's
 * ({@link Defaults}); {@link ConsoleRun} prints and saves.
 *
 * <p>Run by {@code qprobe demo [--synthetic] [OUT_DIR]}; the cache lives in {@code $QPROBE_CACHE}
 * or {@code ~/.cache/qprobe}.
 */
public final class Demo {
    private Demo() {
    }

    /**
     * Runs the experiment and writes its table, charts and probes to {@code out}.
     *
     * @param synthetic generated candidates instead of the built-in model
     */
    public static Results run(boolean synthetic, Path out) throws IOException {
        long start = System.nanoTime();
        PrintStream console = System.out;
        Features features = synthetic ? syntheticFeatures(console) : builtinFeatures(console);
        Results results = run(features, out, console);
        console.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return results;
    }

    /** The demo's experiment on any features: the defaults' probe, trainer, objectives, betas and k. */
    public static Results run(Features features, Path out, PrintStream console) throws IOException {
        return new ConsoleRun(console).run(features, Defaults.PROBE, Defaults.TRAINING, Defaults.OBJECTIVES,
                Defaults.BETAS, Defaults.ks(features.candidatesPerPrompt()), out);
    }

    private static Features syntheticFeatures(PrintStream console) {
        SampleSet all = SyntheticSamples.generate(400, 48, 256, 0.6, 2024);
        console.printf(Locale.ROOT, "data   %s (generated)%n", all);
        return QProbe.features("SyntheticSamples.generate(400, 48, 256, 0.6, 2024)",
                all.splitByPrompt(Defaults.TEST_FRACTION, 7));
    }

    private static Features builtinFeatures(PrintStream console) {
        Task task = Tasks.workedAddition();
        Model model = Models.builtin();
        // Exactly the README's sample(200, 0.8): the demo and the DSL draw (and cache) the same samples.
        SamplingConfig sampling = SamplingConfig.of(WorkedAdditionTask.SAMPLES_PER_PROMPT).withTemperature(0.8);
        Path cache = Experiment.defaultCache();
        console.printf(Locale.ROOT, "model  %s on %s%ntask   %s%nsample k = %d, temperature %.1f, top-p %.2f; "
                        + "features %s; cache %s%n", model.id(), model.device(), task.name(), sampling.k(), sampling.temperature(),
                sampling.topP(), Embed.hidden(-1), cache);
        Features features = QProbe.task(task).model(model).cache(cache).progress(new ConsoleProgress())
                .sample(sampling).embed(Embed.hidden(-1));
        console.printf(Locale.ROOT, "data   train %s%n       test  %s%n", features.train(), features.test());
        return features;
    }
}
