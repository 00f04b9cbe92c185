package dev.qprobe.task;

/** A reward for a completion of a prompt; any real number, finite. */
@FunctionalInterface
public interface RewardFunction {

    /** The reward of {@code completion} for {@code prompt}. */
    double reward(Prompt prompt, String completion);
}
