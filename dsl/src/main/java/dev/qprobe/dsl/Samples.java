package dev.qprobe.dsl;

import dev.qprobe.data.PromptSamples;
import dev.qprobe.data.SampleSet;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.SamplingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** k completions and their rewards for every train and test prompt. */
public final class Samples {
    private final Experiment experiment;
    private final SamplingConfig config;
    private final List<PromptSamples> train;
    private final List<PromptSamples> test;

    Samples(Experiment experiment, SamplingConfig config, List<PromptSamples> train, List<PromptSamples> test) {
        this.experiment = experiment;
        this.config = config;
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
    }

    public Experiment experiment() {
        return experiment;
    }

    public SamplingConfig config() {
        return config;
    }

    public List<PromptSamples> train() {
        return train;
    }

    public List<PromptSamples> test() {
        return test;
    }

    /** Mean reward of the base model's samples on the test prompts (per prompt, then over prompts). */
    public double baseRate() {
        return test.stream().mapToDouble(p -> java.util.Arrays.stream(p.rewards()).average().orElse(0)).average()
                .orElse(Double.NaN);
    }

    /** Features for every sample, from {@code source}. */
    public Features embed(Embed source) {
        Embedder embedder = source.on(experiment.model());
        var collector = experiment.collector(config, embedder);
        try {
            // Embed the samples this value holds: never ask the model again (an API would bill it,
            // and a server that ignores the seed would hand back other completions).
            SampleSet trainSet = collector.embed(experiment.task(), experiment.task().trainPrompts(), train);
            SampleSet testSet = collector.embed(experiment.task(), experiment.task().testPrompts(), test);
            return new Features(this, source.toString(), embedder.id(), trainSet, testSet);
        } catch (IOException e) {
            throw new UncheckedIOException("embedding failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Samples[%s: %d train + %d test prompts x k = %d at T = %s, top-p %s; "
                        + "base rate %.3f]", experiment.task().name(), train.size(), test.size(), config.k(),
                config.temperature(), config.topP(), baseRate());
    }
}
