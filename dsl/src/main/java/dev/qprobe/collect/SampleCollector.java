package dev.qprobe.collect;

import dev.qprobe.cache.CacheKey;
import dev.qprobe.cache.SampleCache;
import dev.qprobe.data.PromptSamples;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Turns prompts into a {@link SampleSet}: k completions per prompt from a sampler, their rewards
 * from the task, their features from an embedder, and (for a {@link PreferenceTask}) preference
 * pairs. With a cache directory, each prompt's samples and features are stored as soon as they
 * exist, so a re-run reads them back and an interrupted run resumes at the first missing prompt.
 */
public final class SampleCollector {
    private final Sampler sampler;
    private final Embedder embedder;
    private final SamplingConfig config;
    private final Path cacheRoot;
    private final int pairsPerPrompt;
    private final int concurrency;
    private final ProgressListener progress;

    /**
     * @param cacheRoot directory for the cache, or null for none
     */
    public SampleCollector(Sampler sampler, Embedder embedder, SamplingConfig config, Path cacheRoot) {
        this(sampler, embedder, config, cacheRoot, 2 * config.k(), sampler.preferredConcurrency(), ProgressListener.NONE);
    }

    private SampleCollector(Sampler sampler, Embedder embedder, SamplingConfig config, Path cacheRoot, int pairsPerPrompt,
                      int concurrency, ProgressListener progress) {
        this.sampler = sampler;
        this.embedder = embedder;
        this.config = config;
        this.cacheRoot = cacheRoot;
        this.pairsPerPrompt = pairsPerPrompt;
        this.concurrency = concurrency;
        this.progress = progress;
    }

    public SampleCollector withProgress(ProgressListener listener) {
        return new SampleCollector(sampler, embedder, config, cacheRoot, pairsPerPrompt, concurrency, listener);
    }

    /**
     * Prompts in flight at once (default: the sampler's {@link Sampler#preferredConcurrency()}).
     * Worth raising for a remote endpoint, whose latency then overlaps; each prompt is cached as
     * soon as it is done, in whatever order they finish.
     */
    public SampleCollector withConcurrency(int prompts) {
        if (prompts < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1 prompt in flight, got " + prompts);
        }
        return new SampleCollector(sampler, embedder, config, cacheRoot, pairsPerPrompt, prompts, progress);
    }

    /** Preference pairs drawn per prompt for a {@link PreferenceTask} (default 2k). */
    public SampleCollector withPairsPerPrompt(int pairs) {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs per prompt must be >= 1, got " + pairs);
        }
        return new SampleCollector(sampler, embedder, config, cacheRoot, pairs, concurrency, progress);
    }

    /** Samples, scores and embeds {@code prompts} of {@code task}, one pass per prompt. */
    public SampleSet collect(Task task, List<Prompt> prompts) throws IOException {
        List<Collected> collected = run("sampling and embedding", task, prompts, (cache, p) -> {
            PromptSamples samples = samples(cache, task, prompts.get(p));
            return new Collected(samples, features(cache, prompts.get(p), samples));
        });
        return build(task, prompts, collected);
    }

    /** Samples and scores {@code prompts} without embedding them: one entry per prompt, in order. */
    public List<PromptSamples> sample(Task task, List<Prompt> prompts) throws IOException {
        return run("sampling", task, prompts, (cache, p) -> samples(cache, task, prompts.get(p)));
    }

    /**
     * Embeds samples already drawn (by {@link #sample}), one entry per prompt, without asking the
     * sampler again.
     */
    public SampleSet embed(Task task, List<Prompt> prompts, List<PromptSamples> samples) throws IOException {
        if (samples.size() != prompts.size()) {
            throw new IllegalArgumentException(samples.size() + " sample lists for " + prompts.size() + " prompts");
        }
        List<Collected> collected = run("embedding", task, prompts,
                (cache, p) -> new Collected(samples.get(p), features(cache, prompts.get(p), samples.get(p))));
        return build(task, prompts, collected);
    }

    /** The work for one prompt, given the open cache (or null). */
    @FunctionalInterface
    private interface PerPrompt<T> {
        T apply(SampleCache cache, int prompt) throws IOException;
    }

    /** Runs {@code work} for every prompt, {@link #withConcurrency some} at a time, and returns results in prompt order. */
    private <T> List<T> run(String what, Task task, List<Prompt> prompts, PerPrompt<T> work) throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to collect for task " + task.name());
        }
        String stage = what + " " + config.k() + " x " + prompts.size() + " prompts";
        List<T> results = new ArrayList<>(prompts.size());
        try (SampleCache cache = cacheRoot == null ? null : SampleCache.open(cacheRoot, key(task))) {
            progress.onProgress(stage, 0, prompts.size());
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, prompts.size()));
            try {
                List<Future<T>> pending = new ArrayList<>();
                for (int p = 0; p < prompts.size(); p++) {
                    int prompt = p;
                    pending.add(pool.submit(() -> work.apply(cache, prompt)));
                }
                for (int p = 0; p < prompts.size(); p++) {
                    results.add(result(pending.get(p), prompts.get(p)));
                    progress.onProgress(stage, p + 1, prompts.size());
                }
            } finally {
                // On failure, prompts not yet started are dropped; finished ones are already cached.
                pool.shutdownNow();
                awaitQuietly(pool);
            }
        }
        return results;
    }

    /** One prompt's samples, rewards and features. */
    private record Collected(PromptSamples samples, float[][] features) {
    }

    private static List<String> texts(PromptSamples samples) {
        return samples.completions().stream().map(Completion::text).toList();
    }

    private static <T> T result(Future<T> future, Prompt prompt) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("collecting interrupted at prompt " + prompt.id());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("collecting prompt " + prompt.id() + " failed: " + cause, cause);
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SampleSet build(Task task, List<Prompt> prompts, List<Collected> collected) {
        SampleSet.Builder builder = SampleSet.builder(embedder.dim());
        for (int p = 0; p < prompts.size(); p++) {
            Prompt prompt = prompts.get(p);
            Collected c = collected.get(p);
            List<String> texts = texts(c.samples());
            int first = -1;
            for (int i = 0; i < texts.size(); i++) {
                int row = builder.add(prompt.id(), prompt.text(), texts.get(i), c.samples().rewards()[i],
                        c.features()[i]);
                first = i == 0 ? row : first;
            }
            if (task instanceof PreferenceTask preferences && texts.size() >= 2) {
                for (int[] pair : preferences.pairs(prompt, texts, pairsPerPrompt, config.seed())) {
                    builder.prefer(first + pair[0], first + pair[1]);
                }
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

    private float[][] features(SampleCache cache, Prompt prompt, PromptSamples samples) throws IOException {
        List<String> texts = texts(samples);
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
