package dev.qprobe.model;

import java.util.List;

/** Draws k completions of a prompt from a language model. */
public interface Sampler {

    /** Identifies the model and everything that changes its output, for cache keys and provenance. */
    String id();

    /**
     * Draws {@code config.k()} completions of {@code prompt}. The draws depend only on the model,
     * the prompt text and the config (its seed included), not on what was sampled before.
     */
    List<Completion> sample(String prompt, SamplingConfig config);

    /**
     * Prompts worth having in flight at once when nobody says otherwise: 1 (one call at a time)
     * unless the sampler is safe to call from several threads and gains from it.
     */
    default int preferredConcurrency() {
        return 1;
    }
}
