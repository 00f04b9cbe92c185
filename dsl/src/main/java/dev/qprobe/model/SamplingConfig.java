package dev.qprobe.model;

import java.util.List;

/**
 * How to draw completions: k per prompt, at a temperature and top-p, up to a maximum length,
 * ending early at any stop string, seeded.
 *
 * @param k           completions per prompt (>= 1)
 * @param temperature softmax temperature (> 0; use a small value for near-greedy decoding)
 * @param topP        nucleus mass in (0, 1]: sample only from the smallest set of tokens whose
 *                    probability reaches it
 * @param maxTokens   most tokens generated per completion (>= 1)
 * @param stop        stop strings; a completion ends before the first one it produces (not included)
 * @param seed        seeds sampling; each prompt's draws depend only on this seed and the prompt text
 */
public record SamplingConfig(int k, double temperature, double topP, int maxTokens, List<String> stop, long seed) {

    public SamplingConfig {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 completions per prompt, got " + k);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** k completions at the paper's settings: temperature 0.8, top-p 0.95, up to 64 tokens, stop at a newline, seed 0. */
    public static SamplingConfig of(int k) {
        return new SamplingConfig(k, 0.8, 0.95, 64, List.of("\n"), 0L);
    }

    public SamplingConfig withK(int v) {
        return new SamplingConfig(v, temperature, topP, maxTokens, stop, seed);
    }

    public SamplingConfig withTemperature(double v) {
        return new SamplingConfig(k, v, topP, maxTokens, stop, seed);
    }

    public SamplingConfig withTopP(double v) {
        return new SamplingConfig(k, temperature, v, maxTokens, stop, seed);
    }

    public SamplingConfig withMaxTokens(int v) {
        return new SamplingConfig(k, temperature, topP, v, stop, seed);
    }

    public SamplingConfig withStop(List<String> v) {
        return new SamplingConfig(k, temperature, topP, maxTokens, v, seed);
    }

    public SamplingConfig withSeed(long v) {
        return new SamplingConfig(k, temperature, topP, maxTokens, stop, v);
    }
}
