package dev.qprobe.task;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Ready-made tasks, and tasks built from the user's own prompts and reward. */
public final class Tasks {
    /** Completions quoted in error messages are cut to this many characters. */
    private static final int QUOTE_CHARS = 200;

    private Tasks() {
    }

    /** Three-digit addition, 400 train and 100 test prompts from seed 1: {@link ArithmeticTask#standard()}. */
    public static ArithmeticTask arithmetic() {
        return ArithmeticTask.standard();
    }

    /**
     * Additions of 2- to 4-digit numbers worked column by column, graded by their number of
     * carries, 100 train and 100 test prompts from seed 1: {@link WorkedAdditionTask#standard()}
     * ({@link WorkedAdditionTask#full()} has 400 train prompts).
     * The built-in model is trained on this task.
     */
    public static WorkedAdditionTask workedAddition() {
        return WorkedAdditionTask.standard();
    }

    /** Preferences over {@link #arithmetic()} completions: {@link PreferenceTask#arithmetic()}. */
    public static PreferenceTask arithmeticPreference() {
        return PreferenceTask.arithmetic();
    }

    /**
     * A task from the user's prompts and reward. The reward is checked at each use: a NaN or
     * infinite value throws {@link IllegalStateException} naming the prompt and completion.
     *
     * @throws IllegalArgumentException for a blank name, an empty or null list, a null prompt, an
     *                                  id repeated within a list, or an id in both lists
     */
    public static Task of(String name, List<Prompt> train, List<Prompt> test, RewardFunction reward) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a task needs a non-blank name");
        }
        Objects.requireNonNull(reward, "reward");
        List<Prompt> trainCopy = checkPrompts(train, "train", name);
        List<Prompt> testCopy = checkPrompts(test, "test", name);
        Set<String> trainIds = new HashSet<>();
        for (Prompt p : trainCopy) {
            trainIds.add(p.id());
        }
        for (Prompt p : testCopy) {
            if (trainIds.contains(p.id())) {
                throw new IllegalArgumentException("task " + name + ": prompt id " + p.id()
                        + " is in both the train and the test prompts");
            }
        }
        return new UserTask(name, trainCopy, testCopy, reward);
    }

    /** Preferences drawn from a hidden reward over {@code base}'s prompts: {@link PreferenceTask#of}. */
    public static PreferenceTask preference(Task base, RewardFunction hidden, double temperature) {
        return PreferenceTask.of(base, hidden, temperature);
    }

    private static List<Prompt> checkPrompts(List<Prompt> prompts, String which, String task) {
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("task " + task + " needs at least one " + which + " prompt");
        }
        Set<String> ids = new HashSet<>();
        for (Prompt p : prompts) {
            if (p == null) {
                throw new IllegalArgumentException("task " + task + ": a " + which + " prompt is null");
            }
            if (!ids.add(p.id())) {
                throw new IllegalArgumentException("task " + task + ": prompt id " + p.id()
                        + " appears more than once in the " + which + " prompts");
            }
        }
        return List.copyOf(prompts);
    }

    /** Returns {@code value}, or throws when it is NaN or infinite, naming where it came from. */
    static double requireFinite(double value, Prompt prompt, String completion) {
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("reward " + value + " for prompt " + prompt.id()
                    + " and completion \"" + abbreviate(completion) + "\" (rewards must be finite)");
        }
        return value;
    }

    /** Text cut short for an error message. */
    static String abbreviate(String text) {
        if (text == null || text.length() <= QUOTE_CHARS) {
            return text;
        }
        return text.substring(0, QUOTE_CHARS) + "... (" + text.length() + " chars)";
    }

    /** The user's task: copies of their prompt lists, and their reward checked at each use. */
    private static final class UserTask implements Task {
        private final String name;
        private final List<Prompt> train;
        private final List<Prompt> test;
        private final RewardFunction reward;

        UserTask(String name, List<Prompt> train, List<Prompt> test, RewardFunction reward) {
            this.name = name;
            this.train = train;
            this.test = test;
            this.reward = reward;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<Prompt> trainPrompts() {
            return train;
        }

        @Override
        public List<Prompt> testPrompts() {
            return test;
        }

        @Override
        public double reward(Prompt prompt, String completion) {
            return requireFinite(reward.reward(prompt, completion), prompt, completion);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
