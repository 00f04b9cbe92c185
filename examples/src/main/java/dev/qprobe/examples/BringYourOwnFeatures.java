package dev.qprobe.examples;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.io.Npy;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Features computed elsewhere (in Python, by any model): train probes on them and evaluate
 * selection. The inputs are the two files a Python pipeline writes:
 * <ul>
 *   <li>{@code features.npy}: an (n, d) float32 array, one row per candidate completion
 *       ({@code np.save("features.npy", feats.astype(np.float32))});</li>
 *   <li>{@code samples.csv}: one row per candidate, in the same order, with columns
 *       {@code prompt_id} and {@code reward} (optionally {@code prompt}, {@code completion}).</li>
 * </ul>
 * The candidates of each prompt are the k completions to choose from. Prompts are split 75/25
 * into train and test; a PG and an MSE linear probe are trained on the train prompts, and
 * selection by each is compared with the base rate and the best-of-k oracle on the test prompts.
 *
 * <p>Run it on your files, or without them to have it write a small made-up pair first (each
 * candidate has a hidden quality that drives its reward and leaks, with noise, into its features):
 * <pre>
 * examples/run BringYourOwnFeatures --features feats.npy --samples samples.csv
 * examples/run BringYourOwnFeatures --work byo-demo --prompts 200 --candidates 16 --dim 32
 * </pre>
 * {@code --work DIR} is where the made-up files go (default: a new temporary directory).
 */
public final class BringYourOwnFeatures {
    private static final String USAGE = "BringYourOwnFeatures [--features FILE.npy --samples FILE.csv] "
            + "| [--work DIR] [--prompts N] [--candidates K] [--dim D]";

    private BringYourOwnFeatures() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, USAGE, Set.of("features", "samples", "work", "prompts", "candidates",
                "dim"));
        if (options.has("features") != options.has("samples")) {
            throw options.error("give both --features and --samples, or neither to use made-up files");
        }
        Path features = options.path("features");
        Path samples = options.path("samples");
        if (features == null) {
            Path work = options.has("work") ? Files.createDirectories(options.path("work"))
                    : Files.createTempDirectory("qprobe-byo-");
            features = work.resolve("features.npy");
            samples = work.resolve("samples.csv");
            writeMadeUpFiles(features, samples, options.count("prompts", 200), options.count("candidates", 16),
                    options.count("dim", 32));
        }

        // Malformed files fail here, naming the file and what is wrong (shape, dtype, row, NaN).
        SampleSet all = SampleSetIO.load(features, samples);
        SampleSet.Split split = all.splitByPrompt(0.25, 0);
        System.out.printf(Locale.ROOT, "data   %s%nsplit  %d train prompts, %d test prompts%n", all,
                split.train().promptCount(), split.test().promptCount());

        Trainer trainer = new Trainer(dev.qprobe.dsl.Defaults.TRAINING);
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(EvaluationGrid.ksFor(fewestCandidates(split.test())))
                .withBetas(0, 0.1);
        List<EvaluationResult> results = new ArrayList<>();
        for (Objective objective : List.of(Objective.PG, Objective.MSE)) {
            TrainingResult trained = trainer.train(split.train(), ProbeSpec.linear(), objective);
            System.out.printf(Locale.ROOT, "train  %-16s loss %.4f -> %.4f%n", objective.name(),
                    trained.lossCurve()[0], trained.finalLoss());
            results.add(Evaluation.evaluate(objective.name(), split.test(), trained.probe().scores(split.test()), grid));
        }
        System.out.println(EvaluationResult.combine(results).printAll());
        int k = grid.ks()[grid.ks().length - 1];
        for (EvaluationResult r : results) {
            System.out.printf(Locale.ROOT, "%s picks one of %d with reward %.3f; a random pick %.3f; the best of %d %.3f%n",
                    r.label(), k, r.reward(k, 0).value(), r.base().value(), k, r.oracle(k).value());
        }
    }

    /**
     * Writes an (prompts x candidates, dim) float32 {@code .npy} and its {@code prompt_id,reward}
     * CSV, as a Python pipeline would. Candidate quality q ~ N(0, 1); reward 1 when q plus noise
     * clears 0.5; features q times a fixed random direction, plus unit noise in every dimension.
     */
    static void writeMadeUpFiles(Path features, Path samples, int prompts, int candidates, int dim) throws IOException {
        Random rng = new Random(42);
        float[] direction = new float[dim];
        for (int j = 0; j < dim; j++) {
            direction[j] = (float) (0.5 * rng.nextGaussian());
        }
        int rows = prompts * candidates;
        float[] data = new float[rows * dim];
        StringBuilder csv = new StringBuilder("prompt_id,reward\n");
        for (int row = 0; row < rows; row++) {
            double quality = rng.nextGaussian();
            for (int j = 0; j < dim; j++) {
                data[row * dim + j] = (float) (quality * direction[j] + rng.nextGaussian());
            }
            int reward = quality + 0.5 * rng.nextGaussian() > 0.5 ? 1 : 0;
            csv.append("p").append(row / candidates).append(',').append(reward).append('\n');
        }
        Npy.write(features, FeatureMatrix.wrap(data, rows, dim, "made-up features"));
        Files.writeString(samples, csv);
        System.out.printf(Locale.ROOT, "wrote  %s (%d x %d float32) and %s (%d rows)%n", features, rows, dim,
                samples, rows);
    }

    private static int fewestCandidates(SampleSet set) {
        int fewest = Integer.MAX_VALUE;
        for (int p = 0; p < set.promptCount(); p++) {
            fewest = Math.min(fewest, set.rowsOfPrompt(p).length);
        }
        return fewest;
    }
}
