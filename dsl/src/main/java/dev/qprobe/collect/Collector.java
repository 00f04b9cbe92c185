package dev.qprobe.collect;

import dev.qprobe.cache.CacheKey;
import dev.qprobe.cache.PromptSamples;
import dev.qprobe.cache.SampleCache;
import dev.qprobe.data.SampleSet;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.task.PreferenceTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns prompts into a {@link SampleSet}: k completions per prompt from a sampler, their rewards
 * from the task, their features from an embedder, and (for a {@link PreferenceTask}) preference
 * pairs. With a cache directory, each prompt's samples and features are stored as soon as they
 * exist, so a re-run reads them back and an interrupted run resumes at the first missing prompt.
 */
public final class Collector {
    private final Sampler sampler;
    private final Embedder embedder;
    private final SamplingConfig config;
    private final Path cacheRoot;
    private final int pairsPerPrompt;
    private final ProgressListener progress;

    /**
     * @param cacheRoot directory for the cache, or null for none
     */
    public Collector(Sampler sampler, Embedder embedder, SamplingConfig config, Path cacheRoot) {
        this(sampler, embedder, config, cacheRoot, 2 * config.k(), ProgressListener.NONE);
    }

    private Collector(Sampler sampler, Embedder embedder, SamplingConfig config, Path cacheRoot, int pairsPerPrompt,
                      ProgressListener progress) {
        this.sampler = sampler;
        this.embedder = embedder;
        this.config = config;
        this.cacheRoot = cacheRoot;
        this.pairsPerPrompt = pairsPerPrompt;
        this.progress = progress;
    }

    public Collector withProgress(ProgressListener listener) {
        return new Collector(sampler, embedder, config, cacheRoot, pairsPerPrompt, listener);
    }

    /** Preference pairs drawn per prompt for a {@link PreferenceTask} (default 2k). */
    public Collector withPairsPerPrompt(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs per prompt must be >= 1, got " + pairs);
        }
        return new Collector(sampler, embedder, config, cacheRoot, pairs, progress);
    }

    /** Samples, scores and embeds {@code prompts} of {@code task}. */
    public SampleSet collect(Task task, List<Prompt> prompts) throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to collect for task " + task.name());
        }
        String stage = "sampling " + config.k() + " x " + prompts.size() + " prompts";
        SampleSet.Builder builder = SampleSet.builder(embedder.dim());
        try (SampleCache cache = cacheRoot == null ? null : SampleCache.open(cacheRoot, key(task))) {
            progress.onProgress(stage, 0, prompts.size());
            for (int p = 0; p < prompts.size(); p++) {
                Prompt prompt = prompts.get(p);
                PromptSamples samples = samples(cache, task, prompt);
                List<String> texts = samples.completions().stream().map(Completion::text).toList();
                float[][] features = features(cache, prompt, texts);
                int first = -1;
                for (int i = 0; i < texts.size(); i++) {
                    int row = builder.add(prompt.id(), prompt.text(), texts.get(i), samples.rewards()[i], features[i]);
                    first = i == 0 ? row : first;
                }
                if (task instanceof PreferenceTask preferences && texts.size() >= 2) {
                    for (int[] pair : preferences.pairs(prompt, texts, pairsPerPrompt, config.seed())) {
                        builder.prefer(first + pair[0], first + pair[1]);
                    }
                }
                progress.onProgress(stage, p + 1, prompts.size());
            }
        }
        return builder.build();
    }

    /** Everything that determines the samples and rewards. */
    public CacheKey key(Task task) {
        return CacheKey.sampling(sampler, task, config);
    }

    private PromptSamples samples(SampleCache cache, Task task, Prompt prompt) throws IOException {
        if (cache != null) {
            Optional<PromptSamples> cached = cache.samples(prompt.id());
            if (cached.isPresent() && cached.get().size() == config.k()) {
                return cached.get();
            }
        }
        List<Completion> completions = sampler.sample(prompt.text(), config);
        double[] rewards = task.rewards(prompt, completions.stream().map(Completion::text).toList());
        if (cache != null) {
            cache.putSamples(prompt.id(), completions, rewards);
        }
        return new PromptSamples(completions, rewards);
    }

    private float[][] features(SampleCache cache, Prompt prompt, List<String> texts) throws IOException {
        if (cache != null) {
            Optional<float[][]> cached = cache.features(prompt.id(), embedder.id());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        float[][] features = embedder.embed(prompt.text(), texts);
        if (features.length != texts.size()) {
            throw new IllegalStateException("embedder " + embedder.id() + " returned " + features.length
                    + " vectors for " + texts.size() + " completions of prompt " + prompt.id());
        }
        if (cache != null) {
            cache.putFeatures(prompt.id(), embedder.id(), features);
        }
        return features;
    }
}
