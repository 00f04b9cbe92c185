package dev.qprobe.cli;

import dev.qprobe.Version;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.SampleSet;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bring your own features: train probes on features from .npy and rewards from CSV/JSONL, "
                + "evaluate selection on held-out prompts, save the probes and the table.",
                "The samples file has one record per row of the .npy array, with prompt_id and reward "
                        + "(and optionally prompt, completion)."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, paramLabel = "FILE.npy",
            description = "(n, d) float32, float16 or bfloat16 array, C order; or a directory of shards "
                    + "features-00000.npy, ...")
    Path features;

    @Option(names = "--feature-precision", defaultValue = "f32", paramLabel = "f32|bf16",
            description = "how features are held in memory: bf16 halves memory and bytes per epoch "
                    + "(default: ${DEFAULT-VALUE}); a directory of shards or a file too large for the heap is "
                    + "mapped and read in place in its own precision")
    String featurePrecision;

    @Option(names = "--samples", required = true, paramLabel = "FILE", description = "prompt ids and rewards (.csv or .jsonl)")
    Path samples;

    @Option(names = "--pairs", paramLabel = "FILE", description = "preference pairs, chosen,rejected row indices (.csv or .jsonl)")
    Path pairs;

    @Option(names = "--objective", split = ",", paramLabel = "NAME", defaultValue = "PG",
            description = "PG, MSE, CE or PAIRWISE; several with commas (default: ${DEFAULT-VALUE})")
    List<String> objectives;

    @Option(names = "--k-train", defaultValue = "8", description = "PG chunk size (default: ${DEFAULT-VALUE})")
    int kTrain;

    @Option(names = "--beta-train", defaultValue = "1.0", description = "PG softmax temperature (default: ${DEFAULT-VALUE})")
    double betaTrain;

    @Option(names = "--probe", defaultValue = "linear", description = "linear, mlp(W) or mlp(W1,W2) (default: ${DEFAULT-VALUE})")
    String probe;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--epochs", defaultValue = "150", description = "(default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "0", description = "samples per step, 0 = full batch (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--test-fraction", defaultValue = "0.25",
            description = "share of prompts held out for evaluation (default: ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--ks", split = ",", paramLabel = "K", description = "k values to evaluate (default: 1, 2, 4, ... up to the "
            + "fewest candidates of a test prompt)")
    int[] ks;

    @Option(names = "--betas", split = ",", paramLabel = "BETA", defaultValue = "0,0.01,0.1,1",
            description = "selection temperatures, 0 = argmax (default: ${DEFAULT-VALUE})")
    double[] betas;

    @Option(names = "--out", defaultValue = "qprobe-train-out", paramLabel = "DIR", description = "(default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        SampleSet all = SampleSetIO.load(features, FeaturePrecision.parse(featurePrecision), samples, pairs);
        SampleSet.Split split = all.splitByPrompt(testFraction, seed);
        System.out.printf(Locale.ROOT, "data   %s%nsplit  train %d prompts, test %d prompts (seed %d)%n", all,
                split.train().promptCount(), split.test().promptCount(), seed);
        TrainerConfig config = TrainerConfig.defaults().withLearningRate(learningRate).withWeightDecay(weightDecay)
                .withEpochs(epochs).withBatchSize(batchSize).withSeed(seed);
        ProbeSpec spec = ProbeSpec.parse(probe);
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(ks != null ? ks : defaultKs(split.test()))
                .withBetas(betas).withRepeats(4).withSeed(seed);
        List<EvaluationResult> results = new ArrayList<>();
        Files.createDirectories(out);
        for (String name : objectives) {
            Objective objective = objective(name);
            TrainingResult trained = new Trainer(config).train(split.train(), spec, objective);
            System.out.printf(Locale.ROOT, "train  %-16s loss %.4f -> %.4f in %.2f s%n", objective.name(),
                    trained.lossCurve()[0], trained.finalLoss(), trained.seconds());
            results.add(Evaluation.evaluate(objective.name(), split.test(), trained.probe().scores(split.test()), grid));
            Path file = out.resolve("probe-" + name.toLowerCase(Locale.ROOT) + ".json");
            ProbeFile.write(file, trained.probe(), provenance(objective, config, spec));
            System.out.println("       saved " + file);
        }
        Table table = EvaluationResult.combine(results);
        System.out.println(table.printAll());
        table.write().csv(out.resolve("results.csv").toFile());
        System.out.println("table -> " + out.resolve("results.csv"));
        return 0;
    }

    private Objective objective(String name) {
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "PG" -> Objective.pg(kTrain, betaTrain);
            case "MSE" -> Objective.MSE;
            case "CE" -> Objective.CE;
            case "PAIRWISE" -> Objective.PAIRWISE;
            default -> throw new IllegalArgumentException("unknown objective '" + name + "': use PG, MSE, CE or PAIRWISE");
        };
    }

    private Map<String, String> provenance(Objective objective, TrainerConfig config, ProbeSpec spec) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("features", features.toString());
        p.put("samples", samples.toString());
        p.put("objective", objective.name());
        p.put("probe", spec.toString());
        p.put("trainer", config.toString());
        p.put("testFraction", Double.toString(testFraction));
        p.put("library", "qprobe " + Version.get());
        return p;
    }

    /** 1, 2, 4, ... and the fewest candidates any test prompt has. */
    private static int[] defaultKs(SampleSet test) {
        int fewest = Integer.MAX_VALUE;
        for (int p = 0; p < test.promptCount(); p++) {
            fewest = Math.min(fewest, test.rowsOfPrompt(p).length);
        }
        return EvaluationGrid.powersOfTwoUpTo(fewest);
    }
}
