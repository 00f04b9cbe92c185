package dev.qprobe.dsl;

import dev.qprobe.collect.ProgressListener;
import dev.qprobe.collect.SampleCollector;
import dev.qprobe.data.PromptSamples;
import dev.qprobe.model.Model;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** A task, a model and where to cache: everything before sampling. */
public final class Experiment {
    private final Task task;
    private final Model model;
    private final Path cache;
    /** The user's listener, or null for {@link DefaultProgress}'s at the time of sampling. */
    private final ProgressListener progress;
    /** Prompts in flight, or 0 for the sampler's {@link dev.qprobe.model.Sampler#preferredConcurrency()}. */
    private final int concurrency;

    private Experiment(Task task, Model model, Path cache, ProgressListener progress, int concurrency) {
        this.task = Objects.requireNonNull(task, "task");
        this.model = Objects.requireNonNull(model, "model");
        this.cache = cache;
        this.progress = progress;
        this.concurrency = concurrency;
    }

    static Experiment of(Task task) {
        return new Experiment(task, Models.builtin(), defaultCache(), null, 0);
    }

    /** $QPROBE_CACHE (or the system property qprobe.cache), else ~/.cache/qprobe. */
    public static Path defaultCache() {
        String configured = System.getProperty("qprobe.cache", System.getenv("QPROBE_CACHE"));
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "qprobe");
    }

    public Experiment model(Model m) {
        return new Experiment(task, m, cache, progress, concurrency);
    }

    /** Caches samples and features under {@code directory}. */
    public Experiment cache(Path directory) {
        return new Experiment(task, model, Objects.requireNonNull(directory, "directory"), progress, concurrency);
    }

    /** Samples and embeds afresh every time. */
    public Experiment noCache() {
        return new Experiment(task, model, null, progress, concurrency);
    }

    /**
     * Hears about sampling and embedding progress instead of {@link DefaultProgress#get()}
     * ({@link ProgressListener#NONE} for silence).
     */
    public Experiment progress(ProgressListener listener) {
        return new Experiment(task, model, cache, Objects.requireNonNull(listener, "listener"), concurrency);
    }

    /**
     * Prompts in flight at once; raise it for a remote endpoint. By default the model's sampler
     * decides (the built-in model: one per core; other samplers: 1).
     */
    public Experiment concurrency(int prompts) {
        if (prompts < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1 prompt in flight, got " + prompts);
        }
        return new Experiment(task, model, cache, progress, prompts);
    }

    public Task task() {
        return task;
    }

    public Model model() {
        return model;
    }

    /** Draws k completions per train and test prompt at {@code temperature} (top-p 0.95, stop at a newline). */
    public Samples sample(int k, double temperature) {
        return sample(SamplingConfig.of(k).withTemperature(temperature));
    }

    /** Draws completions for every train and test prompt with the given settings. */
    public Samples sample(SamplingConfig config) {
        SampleCollector collector = collector(config, null);
        try {
            List<PromptSamples> train = collector.sample(task, task.trainPrompts());
            List<PromptSamples> test = collector.sample(task, task.testPrompts());
            return new Samples(this, config, train, test);
        } catch (IOException e) {
            throw new UncheckedIOException("sampling " + task.name() + " failed: " + e.getMessage(), e);
        }
    }

    SampleCollector collector(SamplingConfig config, dev.qprobe.model.Embedder embedder) {
        dev.qprobe.model.Embedder e = embedder != null ? embedder : NoFeatures.INSTANCE;
        ProgressListener listener = progress != null ? progress : DefaultProgress.get();
        SampleCollector collector = new SampleCollector(model.sampler(), e, config, cache).withProgress(listener);
        return concurrency > 0 ? collector.withConcurrency(concurrency) : collector;
    }

    @Override
    public String toString() {
        return "Experiment[task " + task.name() + ", model " + model + ", cache " + (cache == null ? "off" : cache) + "]";
    }

    /** Stands in for an embedder when only samples are wanted. */
    private enum NoFeatures implements dev.qprobe.model.Embedder {
        INSTANCE;

        @Override
        public String id() {
            return "none";
        }

        @Override
        public int dim() {
            return 1;
        }

        @Override
        public float[][] embed(String prompt, List<String> completions) {
            throw new IllegalStateException("no embedder chosen: call embed(...) first");
        }
    }
}
