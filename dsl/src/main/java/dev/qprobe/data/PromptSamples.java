package dev.qprobe.data;

import dev.qprobe.model.Completion;
import java.util.Arrays;
import java.util.List;

/**
 * The cached completions of one prompt and their rewards, {@code rewards[i]} being the reward of
 * {@code completions.get(i)}.
 */
public record PromptSamples(List<Completion> completions, double[] rewards) {

    /** Copies both, so that the record cannot change. */
    public PromptSamples {
        completions = List.copyOf(completions);
        rewards = rewards.clone();
        if (completions.size() != rewards.length) {
            throw new IllegalArgumentException(completions.size() + " completions but " + rewards.length + " rewards");
        }
    }

    /** A copy of the rewards. */
    @Override
    public double[] rewards() {
        return rewards.clone();
    }

    /** The number of completions. */
    public int size() {
        return rewards.length;
    }

    /** Equal when the completions are equal and the rewards are equal bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PromptSamples other && completions.equals(other.completions)
                && Arrays.equals(rewards, other.rewards);
    }

    @Override
    public int hashCode() {
        return 31 * completions.hashCode() + Arrays.hashCode(rewards);
    }

    @Override
    public String toString() {
        return "PromptSamples[completions=" + completions + ", rewards=" + Arrays.toString(rewards) + "]";
    }
}
