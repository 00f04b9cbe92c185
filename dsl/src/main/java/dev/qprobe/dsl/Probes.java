package dev.qprobe.dsl;

import dev.qprobe.eval.Evaluation;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.eval.EvaluationResult;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Trained probes, one per objective. */
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

    /** The probe trained for the objective named {@code name} (e.g. "MSE"; "PG" matches "PG(k=8,beta=1)"). */
    public Probe probe(String name) {
        return trained.stream().filter(t -> t.objective().equals(name) || t.objective().startsWith(name + "("))
                .findFirst().map(TrainingResult::probe)
                .orElseThrow(() -> new IllegalArgumentException("no probe for objective " + name + "; trained: "
                        + trained.stream().map(TrainingResult::objective).toList()));
    }

    /**
     * Evaluates selection on the test prompts at k = 1, 2, 4, ... up to the samples drawn per
     * prompt (for features brought in: the fewest candidates of any test prompt), for each beta.
     */
    public Results select(Beta betas) {
        return select(betas, EvaluationGrid.powersOfTwoUpTo(features.candidatesPerPrompt()));
    }

    /** Evaluates selection at the given k values (each at most the samples drawn per prompt). */
    public Results select(Beta betas, int... ks) {
        int drawn = features.candidatesPerPrompt();
        for (int k : ks) {
            if (k > drawn) {
                throw new IllegalArgumentException(features.drawnHere()
                        ? "k = " + k + " exceeds the " + drawn + " samples drawn per prompt: sample(" + k
                                + ", ...) to evaluate it, or choose k <= " + drawn
                        : "k = " + k + " exceeds the " + drawn + " candidates of the smallest test prompt: choose k <= "
                                + drawn);
            }
        }
        EvaluationGrid grid = EvaluationGrid.defaults().withKs(ks).withBetas(betas.values()).withRepeats(4);
        List<EvaluationResult> results = new ArrayList<>();
        for (TrainingResult t : trained) {
            results.add(Evaluation.evaluate(t.objective(), features.test(), t.probe().scores(features.test()), grid));
        }
        return new Results(this, results);
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
                .map(t -> String.format(java.util.Locale.ROOT, "%s (loss %.4f)", t.objective(), t.finalLoss()))
                .collect(Collectors.joining(", ")) + "; " + config.epochs() + " epochs, lr " + config.learningRate()
                + ", seed " + config.seed() + "]";
    }


}
