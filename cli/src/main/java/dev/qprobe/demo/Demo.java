package dev.qprobe.demo;

import dev.qprobe.collect.Collector;
import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.report.Chart;
import dev.qprobe.report.Charts;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * The end-to-end Q-probe experiment, the README's main job. By default on the built-in model and
 * arithmetic task: sample 48 completions for every train and test prompt (cached), take the last
 * block's hidden state at the last token as features, train one linear probe per objective on the
 * train prompts, and evaluate selection over k and beta on the test prompts against the base rate
 * and the best-of-k oracle. With {@code --synthetic}, generated candidates replace the model (no
 * sampling; seconds). Prints a summary and writes the full table as CSV.
 *
 * <p>Run by {@code qprobe demo [--synthetic] [OUT_DIR]}; the cache lives in {@code $QPROBE_CACHE}
 * or {@code ~/.cache/qprobe}.
 */
public final class Demo {
    private static final int[] SUMMARY_KS = {1, 4, 16, 48};

    private Demo() {
    }

    /**
     * Runs the experiment and writes its table and charts to {@code out}.
     *
     * @param synthetic generated candidates instead of the built-in model
     */
    public static void run(boolean synthetic, Path out) throws IOException {
        long start = System.nanoTime();
        SampleSet.Split split = synthetic ? syntheticData() : builtinData();
        run(split, out);
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static SampleSet.Split syntheticData() {
        SampleSet all = SyntheticSamples.generate(400, 48, 256, 0.6, 2024);
        System.out.printf(Locale.ROOT, "data   %s (generated)%n", all);
        return all.splitByPrompt(0.25, 7);
    }

    private static SampleSet.Split builtinData() throws IOException {
        ArithmeticTask task = ArithmeticTask.standard();
        try (BuiltinModel model = BuiltinModel.load()) {
            Embedder embedder = model.hiddenStates(-1, false);
            SamplingConfig sampling = SamplingConfig.of(48).withMaxTokens(task.maxCompletionChars());
            Path cache = Experiment.defaultCache();
            System.out.printf(Locale.ROOT, "model  %s on %s%ntask   %s%nsample k = 48, temperature %.1f, top-p %.2f; "
                    + "features %s; cache %s%n", model.id(), model.device(), task.name(), sampling.temperature(),
                    sampling.topP(), embedder.id(), cache);
            Collector collector = new Collector(model, embedder, sampling, cache).withProgress(new ConsoleProgress());
            SampleSet train = collector.collect(task, task.trainPrompts());
            SampleSet test = collector.collect(task, task.testPrompts());
            System.out.printf(Locale.ROOT, "data   train %s%n       test  %s%n", train, test);
            return new SampleSet.Split(train, test);
        }
    }

    /** Trains one linear probe per objective on the train split and evaluates it on the test split. */
    static List<EvaluationResult> run(SampleSet.Split split, Path out) {
        System.out.printf(Locale.ROOT, "split  train %d prompts, test %d prompts%n",
                split.train().promptCount(), split.test().promptCount());
        TrainerConfig config = TrainerConfig.defaults().withLearningRate(3e-3).withEpochs(150).withSeed(1);
        EvaluationGrid grid = EvaluationGrid.defaults().withRepeats(4);
        List<EvaluationResult> results = new ArrayList<>();
        List<TrainingResult> training = new ArrayList<>();
        for (Objective objective : List.of(Objective.PG, Objective.MSE, Objective.CE, Objective.PAIRWISE)) {
            TrainingResult trained = new Trainer(config).train(split.train(), ProbeSpec.linear(), objective,
                    progress(objective.name()));
            System.out.printf(Locale.ROOT, "\rtrain  %-16s loss %.4f -> %.4f in %.2f s          %n", objective.name(),
                    trained.lossCurve()[0], trained.finalLoss(), trained.seconds());
            training.add(trained);
            results.add(Evaluation.evaluate(objective.name(), split.test(), trained.probe().scores(split.test()), grid));
        }

        printSummary(results);
        Table table = EvaluationResult.combine(results);
        write(table, out.resolve("results.csv"));
        Map<String, Chart> charts = Charts.overview(results, training);
        try {
            Charts.saveAll(charts, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write charts to " + out + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "charts %s -> %s (.png and .svg)%n", charts.keySet(), out);
        System.out.printf(Locale.ROOT, "%nfull table (%d rows: method x k x beta, with 95%% bootstrap CIs and KL) -> %s%n",
                table.rowCount(), out.resolve("results.csv"));
        return results;
    }

    private static dev.qprobe.train.TrainingListener progress(String name) {
        boolean terminal = System.console() != null;
        return (epoch, epochs, loss) -> {
            if (terminal && (epoch % 10 == 0 || epoch == epochs)) {
                System.out.printf(Locale.ROOT, "\rtrain  %-16s epoch %d/%d, loss %.4f", name, epoch, epochs, loss);
                System.out.flush();
            }
        };
    }

    /** Expected reward of argmax selection (beta = 0) at a few k, with the base rate and the oracle. */
    private static void printSummary(List<EvaluationResult> results) {
        EvaluationResult first = results.get(0);
        System.out.printf(Locale.ROOT, "%nexpected reward on %d held-out prompts, argmax selection (beta = 0), 95%% CI%n",
                first.promptCount());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-18s", "method"));
        for (int k : SUMMARY_KS) {
            header.append(String.format(Locale.ROOT, "%22s", "k = " + k));
        }
        System.out.println(header);
        for (EvaluationResult r : results) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s", r.label()));
            for (int k : SUMMARY_KS) {
                line.append(cell(r.reward(k, 0).value(), r.reward(k, 0).low(), r.reward(k, 0).high()));
            }
            System.out.println(line);
        }
        StringBuilder oracle = new StringBuilder(String.format(Locale.ROOT, "%-18s", "oracle (pass@k)"));
        for (int k : SUMMARY_KS) {
            oracle.append(cell(first.oracle(k).value(), first.oracle(k).low(), first.oracle(k).high()));
        }
        System.out.println(oracle);
        System.out.printf(Locale.ROOT, "%-18s%s%n", "base (k = 1)",
                cell(first.base().value(), first.base().low(), first.base().high()));
        int k = first.grid().ks()[first.grid().ks().length - 1];
        System.out.printf(Locale.ROOT, "%nat k = %d, argmax vs base (%.3f [%.3f, %.3f]):%n", k, first.base().value(),
                first.base().low(), first.base().high());
        for (EvaluationResult r : results) {
            var probe = r.reward(k, 0);
            System.out.printf(Locale.ROOT, "  %-16s %+.3f  %s%n", r.label(), probe.value() - r.base().value(),
                    probe.low() > r.base().high() ? "beats the base: the 95% CIs do not overlap"
                            : "does not clearly beat the base (95% CIs overlap)");
        }
    }

    private static String cell(double value, double low, double high) {
        return String.format(Locale.ROOT, "%22s", String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", value, low, high));
    }

    private static void write(Table table, Path file) {
        try {
            Files.createDirectories(file.getParent());
            table.write().csv(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
