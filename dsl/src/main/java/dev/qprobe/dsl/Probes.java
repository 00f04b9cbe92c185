package dev.qprobe.dsl;

import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Trained probes, one per objective; each carries its {@link dev.qprobe.probe.Provenance}. */
public final class Probes {
    private final Features features;
    private final ProbeSpec spec;
    private final TrainerConfig config;
    private final List<TrainingResult> trained;

    Probes(Features features, ProbeSpec spec, TrainerConfig config, List<TrainingResult> trained) {
        this.features = features;
        this.spec = spec;
        this.config = config;
        this.trained = List.copyOf(trained);
    }

    public Features features() {
        return features;
    }

    public List<TrainingResult> training() {
        return trained;
    }

    /**
     * The probe trained for {@code objective} (e.g. {@code Objective.PG}).
     *
     * @throws IllegalArgumentException if none was
     */
    public Probe probe(Objective objective) {
        return trained.stream().filter(t -> t.objective().equals(objective)).findFirst().map(TrainingResult::probe)
                .orElseThrow(() -> new IllegalArgumentException("no probe for objective " + objective.name()
                        + "; trained: " + trained.stream().map(t -> t.objective().name()).toList()));
    }

    /**
     * Evaluates selection on the test prompts at k = 1, 2, 4, ... up to the samples drawn per
     * prompt (for features brought in: the fewest candidates of any test prompt), for each beta.
     */
    public Results select(Beta betas) {
        return select(betas, Defaults.ks(features.candidatesPerPrompt()));
    }

    /** Evaluates selection at the given k values (each at most the samples drawn per prompt). */
    public Results select(Beta betas, int... ks) {
        EvaluationGrid grid = features.grid(betas, ks);
        List<EvaluationResult> results = new ArrayList<>();
        for (TrainingResult t : trained) {
            results.add(Evaluation.evaluate(t.objective().name(), features.test(), t.probe().scores(features.test()),
                    grid));
        }
        return new Results(this, results);
    }

    /** These probes and {@code other}'s, trained on the same features with the same settings. */
    Probes and(Probes other) {
        if (other.features != features) {
            throw new IllegalArgumentException("probes trained on other features cannot be combined: " + other.features);
        }
        if (!spec.equals(other.spec) || !config.equals(other.config)) {
            throw new IllegalArgumentException("probes trained with other settings cannot be combined: " + other);
        }
        List<TrainingResult> all = new ArrayList<>(trained);
        all.addAll(other.trained);
        return new Probes(features, spec, config, all);
    }

    ProbeSpec spec() {
        return spec;
    }

    TrainerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "Probes[" + spec + " x " + trained.stream()
                .map(t -> String.format(Locale.ROOT, "%s (loss %.4f)", t.objective().name(), t.finalLoss()))
                .collect(Collectors.joining(", ")) + "; " + config.epochs() + " epochs, lr " + config.learningRate()
                + ", seed " + config.seed() + "]";
    }
}
