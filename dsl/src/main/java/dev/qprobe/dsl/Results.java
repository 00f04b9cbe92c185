package dev.qprobe.dsl;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.report.Chart;
import dev.qprobe.report.Charts;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Selection evaluated on the test prompts: one result per probe, with the base rate and the oracle. */
public final class Results {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Probes probes;
    private final List<EvaluationResult> results;

    Results(Probes probes, List<EvaluationResult> results) {
        this.probes = probes;
        this.results = List.copyOf(results);
    }

    public Probes probes() {
        return probes;
    }

    public List<EvaluationResult> results() {
        return results;
    }

    /** objective x k x beta -> reward with 95% CI and KL, plus base and oracle rows. */
    public Table table() {
        return EvaluationResult.combine(results);
    }

    /**
     * The evaluation of the probe named {@code method}: its label ("MSE"), or the label's name
     * before its settings ("PG" finds "PG(k=8,beta=1)").
     *
     * @throws IllegalArgumentException if no probe, or more than one, goes by that name
     */
    public EvaluationResult result(String method) {
        List<EvaluationResult> exact = results.stream().filter(r -> r.label().equals(method)).toList();
        List<EvaluationResult> found = !exact.isEmpty() ? exact
                : results.stream().filter(r -> r.label().startsWith(method + "(")).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException((found.isEmpty() ? "no probe named " : "several probes named ") + method
                    + "; these results hold " + results.stream().map(EvaluationResult::label).toList());
        }
        return found.get(0);
    }

    /** The mean reward of the base model's samples on the test prompts (k = 1), with its 95% CI. */
    public Estimate base() {
        return results.get(0).base();
    }

    /** The oracle best-of-k (pass@k for 0/1 rewards) at {@code k}, with its 95% CI. */
    public Estimate oracle(int k) {
        return results.get(0).oracle(k);
    }

    /**
     * A compact view for reading: one row per probe, then the oracle and the base rate; one column
     * per k, each cell "reward [95% CI]" at selection temperature {@code beta} (0 = argmax).
     *
     * @throws IllegalArgumentException if {@code beta} was not evaluated
     */
    public Table summary(double beta) {
        int[] ks = results.get(0).grid().ks();
        StringColumn method = StringColumn.create("method");
        List<StringColumn> byK = new java.util.ArrayList<>();
        for (int k : ks) {
            byK.add(StringColumn.create("k = " + k));
        }
        for (EvaluationResult r : results) {
            method.append(r.label());
            for (int i = 0; i < ks.length; i++) {
                byK.get(i).append(cell(r.reward(ks[i], beta)));
            }
        }
        method.append("oracle (best of k)");
        for (int i = 0; i < ks.length; i++) {
            byK.get(i).append(cell(oracle(ks[i])));
        }
        method.append("base (mean of pi0)");
        for (int i = 0; i < ks.length; i++) {
            byK.get(i).append(cell(base()));
        }
        Table table = Table.create("expected reward at beta = " + beta + (beta == 0 ? " (argmax)" : "")
                + ", 95% CI, " + results.get(0).promptCount() + " test prompts", method);
        byK.forEach(table::addColumns);
        return table;
    }

    private static String cell(Estimate e) {
        return Double.isNaN(e.low()) ? String.format(Locale.ROOT, "%.3f", e.value())
                : String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.low(), e.high());
    }

    /** Expected reward vs k for argmax selection, one line per probe, with the base rate and the oracle. */
    public Chart chart() {
        return Charts.rewardVsK(results, 0);
    }

    /** Expected reward vs k at selection temperature {@code beta}. */
    public Chart chart(double beta) {
        return Charts.rewardVsK(results, beta);
    }

    /** Expected reward vs beta at the largest k. */
    public Chart betaChart() {
        return Charts.rewardVsBeta(results, maxK());
    }

    /** The reward-vs-KL frontier at the largest k. */
    public Chart klChart() {
        return Charts.rewardVsKl(results, maxK());
    }

    /** The probes' training loss per epoch. */
    public Chart lossChart() {
        return Charts.lossCurves(probes.training());
    }

    /** What produced these results: task, model, sampling, features, probe, trainer, library version. */
    public Map<String, String> provenance() {
        return Provenance.of(probes);
    }

    /**
     * Writes {@code results.csv}, {@code provenance.json}, the charts (reward vs k, vs beta, vs
     * KL, loss curves) as PNG and SVG, and one probe per objective under {@code probes/} (the
     * {@link ProbeFile} format) into {@code directory}.
     */
    public Path save(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("probes"));
        table().write().csv(directory.resolve("results.csv").toFile());
        Charts.saveAll(Charts.overview(results, probes.training()), directory);
        Map<String, String> provenance = provenance();
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("provenance.json").toFile(), provenance);
        for (TrainingResult t : probes.training()) {
            Map<String, String> p = new LinkedHashMap<>(provenance);
            p.put("objective", t.objective());
            ProbeFile.write(directory.resolve("probes").resolve(fileName(t.objective())), t.probe(), p);
        }
        return directory;
    }

    /** What {@link #save} wrote: the table, the provenance and the probes by objective. */
    public record Saved(Table table, Map<String, String> provenance, Map<String, Probe> probes) {
    }

    /** Reads a directory written by {@link #save}. */
    public static Saved load(Path directory) throws IOException {
        Path csv = directory.resolve("results.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IOException(directory + " holds no results.csv: not a saved Results directory");
        }
        Table table = Table.read().csv(csv.toFile());
        Map<String, String> provenance = JSON.readValue(directory.resolve("provenance.json").toFile(),
                new TypeReference<LinkedHashMap<String, String>>() { });
        Map<String, Probe> probes = new LinkedHashMap<>();
        try (var files = Files.list(directory.resolve("probes"))) {
            for (Path f : files.sorted().toList()) {
                ProbeFile.Saved saved = ProbeFile.read(f);
                probes.put(saved.provenance().getOrDefault("objective", f.getFileName().toString()), saved.probe());
            }
        }
        return new Saved(table, provenance, probes);
    }

    private static String fileName(String objective) {
        return objective.replaceAll("[^A-Za-z0-9=.,-]", "_") + ".json";
    }

    /** The largest k evaluated. */
    public int maxK() {
        int[] ks = results.get(0).grid().ks();
        return ks[ks.length - 1];
    }

    @Override
    public String toString() {
        int k = maxK();
        EvaluationResult first = results.get(0);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Results[%d test prompts; base %.3f, oracle@%d %.3f",
                first.promptCount(), first.base().value(), k, first.oracle(k).value()));
        for (EvaluationResult r : results) {
            Estimate e = r.reward(k, 0);
            sb.append(String.format(Locale.ROOT, "; %s argmax@%d %.3f [%.3f, %.3f]", r.label(), k, e.value(), e.low(),
                    e.high()));
        }
        return sb.append(']').toString();
    }
}
