package dev.qprobe.cli;

import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.SampleSet;
import dev.qprobe.demo.ConsoleRun;
import dev.qprobe.dsl.Beta;
import dev.qprobe.dsl.Defaults;
import dev.qprobe.dsl.Features;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.Backend;
import dev.qprobe.probe.ProbeBackends;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qprobe train}: the DSL's {@code QProbe.features(...).probe(...).select(...).save(...)} on
 * files, through {@link ConsoleRun} as {@code qprobe demo} runs it; every default is
 * {@link Defaults}'s. All options are checked against the data before the first epoch.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        defaultValueProvider = TrainCommand.DefaultsProvider.class,
        description = {"Bring your own features: train probes on features from .npy and rewards from CSV/JSONL, "
                + "evaluate selection on held-out prompts, print the summary and save probes, table and charts.",
                "The samples file has one record per row of the .npy array, with prompt_id and reward "
                        + "(and optionally prompt, completion). Every option is checked against the data before "
                        + "the first epoch; each finished probe and the table so far are saved before the next "
                        + "objective trains.",
                "Example: qprobe train --features f.npy --samples s.csv --objective PG,MSE --probe 'mlp(16)'"})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, paramLabel = "FILE.npy",
            description = "(n, d) array in C order: float32, float16 or bfloat16 (float64 is converted, with a "
                    + "note); or a directory of shards features-00000.npy, ...")
    Path features;

    @Option(names = "--feature-precision", paramLabel = "f32|bf16",
            description = "how features are held in memory: bf16 halves memory and bytes per epoch "
                    + "(default: ${DEFAULT-VALUE}); a directory of shards or a file too large for the heap is "
                    + "mapped and read in place in its own precision")
    String featurePrecision;

    @Option(names = "--samples", required = true, paramLabel = "FILE",
            description = "one record per feature row: prompt_id and reward (.csv or .jsonl)")
    Path samples;

    @Option(names = "--pairs", paramLabel = "FILE", description = "preference pairs, chosen,rejected row indices "
            + "(.csv or .jsonl); PAIRWISE derives pairs from rewards without it")
    Path pairs;

    @Option(names = "--objective", split = ",", paramLabel = "NAME",
            description = "PG, MSE, CE or PAIRWISE; several with commas (default: ${DEFAULT-VALUE})")
    List<String> objectives;

    @Option(names = "--k-train", paramLabel = "K", description = "PG: candidates per chunk (default: ${DEFAULT-VALUE})")
    int kTrain;

    @Option(names = "--pg-temperature", paramLabel = "T",
            description = "PG: training temperature T of softmax(Q/T) (default: ${DEFAULT-VALUE})")
    double pgTemperature;

    @Option(names = "--probe", paramLabel = "SPEC",
            description = "linear, mlp(W) or mlp(W1,W2); quote it in a shell: --probe 'mlp(16)' (default: ${DEFAULT-VALUE})")
    String probe;

    @Option(names = "--lr", paramLabel = "RATE", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the training prompts (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "samples per optimizer step, 0 = full batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "where probes train: auto (DJL on a GPU when one is visible, else cpu), cpu or djl "
                    + "(default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "device for the backend, e.g. cpu or gpu(0) (default: the backend's own choice)")
    String device;

    @Option(names = "--seed", paramLabel = "N",
            description = "seeds the train/test split and training: initialisation, PG chunks, batch order "
                    + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "share of prompts held out for evaluation (default: ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--ks", split = ",", paramLabel = "K",
            description = "k values to evaluate (default: 1, 2, 4, ... up to the fewest candidates of a test prompt)")
    int[] ks;

    @Option(names = "--betas", split = ",", paramLabel = "BETA",
            description = "selection temperatures, 0 = argmax (default: ${DEFAULT-VALUE})")
    double[] betas;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where results.csv, provenance.json, the charts and probes/ID.json go (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        // Options first, then the data: nothing trains until all of it is known to fit.
        List<Objective> chosen = objectives();
        FeaturePrecision precision = FeaturePrecision.parse(featurePrecision);
        ProbeSpec spec = ProbeSpec.parse(probe);
        TrainerConfig config = Defaults.TRAINING.withLearningRate(learningRate).withWeightDecay(weightDecay)
                .withEpochs(epochs).withBatchSize(batchSize).withSeed(seed).withBackend(new Backend(backend, device));
        System.out.println("backend " + ProbeBackends.resolve(config.backend()).name());
        Beta beta = Beta.of(betas);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be between 0 and 1, got " + testFraction);
        }
        SampleSet all = SampleSetIO.load(features, precision, samples, pairs);
        System.out.printf(Locale.ROOT, "data   %s%n", all);
        Features split = QProbe.features(features.toString(), all.splitByPrompt(testFraction, seed));
        new ConsoleRun(System.out).run(split, spec, config, chosen, beta,
                ks != null ? ks : Defaults.ks(split.candidatesPerPrompt()), out);
        return 0;
    }

    /** The objectives named, PG with this command's k_train and training temperature. */
    private List<Objective> objectives() {
        List<Objective> chosen = new ArrayList<>();
        for (String name : objectives) {
            Objective o = Objective.parse(name);
            chosen.add(o.equals(Objective.PG) && !name.contains("(") ? Objective.pg(kTrain, pgTemperature) : o);
        }
        return chosen;
    }

    /** Fills every option's default from {@link Defaults}, so the command and the DSL cannot drift apart. */
    static final class DefaultsProvider implements CommandLine.IDefaultValueProvider {
        private static final Map<String, String> VALUES = Map.ofEntries(
                Map.entry("--objective", "PG"),
                Map.entry("--k-train", Integer.toString(Defaults.PG_K_TRAIN)),
                Map.entry("--pg-temperature", Double.toString(Defaults.PG_TEMPERATURE)),
                Map.entry("--probe", Defaults.PROBE.toString()),
                Map.entry("--lr", Double.toString(Defaults.TRAINING.learningRate())),
                Map.entry("--weight-decay", Double.toString(Defaults.TRAINING.weightDecay())),
                Map.entry("--epochs", Integer.toString(Defaults.TRAINING.epochs())),
                Map.entry("--batch-size", Integer.toString(Defaults.TRAINING.batchSize())),
                Map.entry("--feature-precision", "f32"),
                Map.entry("--backend", "auto"),
                Map.entry("--device", ""),
                Map.entry("--seed", Long.toString(Defaults.TRAINING.seed())),
                Map.entry("--test-fraction", Double.toString(Defaults.TEST_FRACTION)),
                Map.entry("--betas", join(Defaults.BETAS.values())),
                Map.entry("--out", "qprobe-train-out"));

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return arg instanceof CommandLine.Model.OptionSpec option ? VALUES.get(option.longestName()) : null;
        }

        private static String join(double[] values) {
            StringBuilder s = new StringBuilder();
            for (double v : values) {
                s.append(s.length() == 0 ? "" : ",").append(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
            }
            return s.toString();
        }
    }
}
