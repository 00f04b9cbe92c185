package dev.qprobe.dsl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qprobe.Suggestions;
import dev.qprobe.eval.Estimate;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeFile;
import dev.qprobe.probe.Provenance;
import dev.qprobe.probe.ProvenanceJson;
import dev.qprobe.report.Chart;
import dev.qprobe.report.Charts;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
     * The evaluation of the probe trained for {@code objective} (e.g. {@code Objective.PG}).
     *
     * @throws IllegalArgumentException if no probe was trained for it
     */
    public EvaluationResult result(Objective objective) {
        return result(objective.name());
    }

    /**
     * The evaluation labelled {@code method}, as the table's method column has it ("MSE",
     * "PG(k=10,T=0.1)"), or named as {@link Objective#parse} reads an objective: "PG" is
     * {@code Objective.PG}, whose label is "PG(k=10,T=0.1)".
     *
     * @throws IllegalArgumentException if no evaluation has that label (naming the nearest one)
     */
    public EvaluationResult result(String method) {
        List<String> labels = results.stream().map(EvaluationResult::label).toList();
        String label = labels.contains(method) ? method : objectiveLabel(method);
        return results.stream().filter(r -> r.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no probe labelled '" + method + "'"
                        + Suggestions.didYouMean(method, labels) + "; these results hold " + labels));
    }

    /** The label of the objective {@code name} parses to, or {@code name} itself when it names none. */
    private static String objectiveLabel(String name) {
        try {
            return Objective.parse(name).name();
        } catch (IllegalArgumentException notAnObjective) {
            return name;
        }
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

    /**
     * The compact summary {@code qprobe demo} and {@code qprobe train} print: argmax reward with
     * 95% CIs at k = 1, 4, 16, ... and the largest k, one row per probe, the oracle and the base
     * rate, then whether each probe beats the base at the largest k.
     */
    public String report() {
        return Report.of(results);
    }

    /**
     * The verdict lines of {@link #report()}: a heading naming the largest k and the base rate, then
     * for each probe its gain over the base and whether their 95% CIs overlap.
     */
    public List<String> verdicts() {
        return Report.verdicts(results);
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

    /** How each probe was made, by the probe's id ("pg", "mse", ...): the files {@link #save} writes under probes/. */
    public Map<String, Provenance> provenance() {
        Map<String, Provenance> byId = new LinkedHashMap<>();
        for (TrainingResult t : probes.training()) {
            byId.put(t.objective().id(), t.probe().provenance());
        }
        return byId;
    }

    /**
     * These results and {@code other}'s side by side: probes trained on the same features with the
     * same settings, evaluated on the same grid (how a front end adds one objective at a time).
     */
    public Results and(Results other) {
        if (!results.get(0).grid().equals(other.results.get(0).grid())) {
            throw new IllegalArgumentException("results evaluated on other grids cannot be combined");
        }
        List<EvaluationResult> all = new ArrayList<>(results);
        all.addAll(other.results);
        return new Results(probes.and(other.probes), all);
    }

    /**
     * Writes {@code results.csv} (objective x k x beta), {@code provenance.json} (each probe's, by
     * id), the charts (reward vs k, vs beta, vs KL, loss curves) as PNG and SVG, and each probe as
     * {@code probes/ID.json} ({@code probes/pg.json}, {@code probes/mse.json}, ...; the
     * {@link ProbeFile} format, provenance included) into {@code directory}.
     */
    public Path save(Path directory) throws IOException {
        Files.createDirectories(directory.resolve("probes"));
        for (TrainingResult t : probes.training()) {
            ProbeFile.write(directory.resolve("probes").resolve(t.objective().id() + ".json"), t.probe());
        }
        table().write().csv(directory.resolve("results.csv").toFile());
        ObjectNode provenance = JSON.createObjectNode();
        provenance().forEach((id, p) -> provenance.set(id, ProvenanceJson.write(JSON, p)));
        JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve("provenance.json").toFile(), provenance);
        Charts.saveAll(Charts.overview(results, probes.training()), directory);
        return directory;
    }

    /** What {@link #save} wrote: the table and the probes by id (each with its provenance). */
    public record Saved(Table table, Map<String, Probe> probes) {
    }

    /** Reads a directory written by {@link #save}. */
    public static Saved load(Path directory) throws IOException {
        Path csv = directory.resolve("results.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IOException(directory + " holds no results.csv: not a saved Results directory");
        }
        Table table = Table.read().csv(csv.toFile());
        Map<String, Probe> probes = new LinkedHashMap<>();
        try (var files = Files.list(directory.resolve("probes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = f.getFileName().toString();
                probes.put(name.substring(0, name.length() - ".json".length()), ProbeFile.read(f));
            }
        }
        return new Saved(table, probes);
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
