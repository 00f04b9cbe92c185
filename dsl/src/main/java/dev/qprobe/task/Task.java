package dev.qprobe.task;

import java.util.List;

/**
 * Prompts with a reward: what a Q-probe is trained to maximise. Train and test prompts never
 * overlap.
 */
public interface Task {

    /** Identifies the task and its prompt sets, for cache keys and provenance. */
    String name();

    List<Prompt> trainPrompts();

    List<Prompt> testPrompts();

    /** The reward of {@code completion} for {@code prompt}: 0 or 1 for a checker, any real number otherwise. */
    double reward(Prompt prompt, String completion);

    /**
     * The rewards of several completions of one prompt. One at a time by default; a task whose
     * checker is slow (running code, say) overrides this to score them in parallel.
     */
    default double[] rewards(Prompt prompt, List<String> completions) {
        double[] rewards = new double[completions.size()];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = reward(prompt, completions.get(i));
        }
        return rewards;
    }
}
