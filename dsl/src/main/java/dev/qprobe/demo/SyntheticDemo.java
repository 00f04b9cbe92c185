package dev.qprobe.demo;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.ProbeSpec;
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
import tech.tablesaw.api.Table;

/**
 * The end-to-end Q-probe run on generated candidates: split prompts, train one linear probe per
 * objective, evaluate selection over k and beta against the base rate and the best-of-k oracle,
 * print a summary and write the full table as CSV. (The built-in language model replaces the
 * generated candidates once it exists; every step after sampling stays the same.)
 */
public final class SyntheticDemo {
    private static final int[] SUMMARY_KS = {1, 4, 16, 48};

    private SyntheticDemo() {
    }

    /** Argument: the output directory (default {@code qprobe-out}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "qprobe-out");
        long start = System.nanoTime();
        SampleSet all = SyntheticSamples.generate(400, 48, 256, 0.6, 2024);
        SampleSet.Split split = all.splitByPrompt(0.25, 7);
        System.out.printf(Locale.ROOT, "data   %s%n       train %d prompts, test %d prompts%n",
                all, split.train().promptCount(), split.test().promptCount());

        TrainerConfig config = TrainerConfig.defaults().withLearningRate(3e-3).withEpochs(150).withSeed(1);
        EvaluationGrid grid = EvaluationGrid.defaults().withRepeats(4);
        List<EvaluationResult> results = new ArrayList<>();
        for (Objective objective : List.of(Objective.PG, Objective.MSE, Objective.CE, Objective.PAIRWISE)) {
            TrainingResult trained = new Trainer(config).train(split.train(), ProbeSpec.linear(), objective,
                    progress(objective.name()));
            System.out.printf(Locale.ROOT, "\rtrain  %-16s loss %.4f -> %.4f in %.2f s          %n", objective.name(),
                    trained.lossCurve()[0], trained.finalLoss(), trained.seconds());
            results.add(Evaluation.evaluate(objective.name(), split.test(), trained.probe().scores(split.test()), grid));
        }

        printSummary(results);
        Table table = EvaluationResult.combine(results);
        write(table, out.resolve("results.csv"));
        System.out.printf(Locale.ROOT, "%nfull table (%d rows: method x k x beta, with 95%% bootstrap CIs and KL) -> %s%n",
                table.rowCount(), out.resolve("results.csv"));
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
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
