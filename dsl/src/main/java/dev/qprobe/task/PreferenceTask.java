package dev.qprobe.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Preference data with a hidden reward: the prompts of a base task, and a rater who prefers
 * completion a over b with the Bradley-Terry probability sigmoid((r(a) - r(b)) / temperature),
 * where r is a reward the learner never sees. {@link #reward} returns that hidden reward, for
 * evaluation only; a probe trained on preferences sees only the pairs.
 */
public final class PreferenceTask implements Task {
    /** The rater's default temperature: a reward gap of 0.1 is preferred with probability sigmoid(1) = 0.73. */
    public static final double DEFAULT_TEMPERATURE = 0.1;
    /** What {@link #arithmetic()}'s grader adds for a completion that shows its work. */
    public static final double SHOWN_WORK_BONUS = 0.1;

    private final Task base;
    private final RewardFunction hidden;
    private final String hiddenName;
    private final double temperature;

    private PreferenceTask(Task base, RewardFunction hidden, String hiddenName, double temperature) {
        this.base = Objects.requireNonNull(base, "base task");
        this.hidden = Objects.requireNonNull(hidden, "hidden reward");
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("preference temperature must be finite and > 0, got " + temperature);
        }
        this.hiddenName = hiddenName;
        this.temperature = temperature;
    }

    /**
     * Preferences over {@code base}'s prompts from the hidden reward {@code hidden}.
     *
     * @param temperature Bradley-Terry temperature (finite, > 0): smaller means a more decisive rater
     */
    public static PreferenceTask of(Task base, RewardFunction hidden, double temperature) {
        return new PreferenceTask(base, hidden, null, temperature);
    }

    /** {@link #arithmetic(ArithmeticTask, double)} on the standard task at the default temperature 0.1. */
    public static PreferenceTask arithmetic() {
        return arithmetic(ArithmeticTask.standard(), DEFAULT_TEMPERATURE);
    }

    /**
     * Preferences over addition completions from a grader who also values shown work: the hidden
     * reward is the checker's 0/1 plus {@value #SHOWN_WORK_BONUS} when the completion has the
     * careful format ({@link ArithmeticTask#showsWork}). So a right careful answer (1.1) beats a
     * right quick one (1.0) 73% of the time at temperature 0.1, and a wrong careful answer (0.1)
     * still beats a wrong quick one.
     */
    public static PreferenceTask arithmetic(ArithmeticTask base, double temperature) {
        Objects.requireNonNull(base, "base task");
        RewardFunction graded = (prompt, completion) -> base.reward(prompt, completion)
                + (ArithmeticTask.showsWork(completion) ? SHOWN_WORK_BONUS : 0);
        return new PreferenceTask(base, graded, "checker+" + SHOWN_WORK_BONUS + "*work", temperature);
    }

    /** The base task's name, the hidden reward's (for the built-in ones) and the temperature. */
    @Override
    public String name() {
        String h = hiddenName == null ? "" : ",hidden=" + hiddenName;
        return "preference(" + base.name() + h + ",temperature=" + temperature + ")";
    }

    @Override
    public List<Prompt> trainPrompts() {
        return base.trainPrompts();
    }

    @Override
    public List<Prompt> testPrompts() {
        return base.testPrompts();
    }

    /** The task this one draws its prompts from. */
    public Task base() {
        return base;
    }

    public double temperature() {
        return temperature;
    }

    /**
     * The HIDDEN reward, for evaluation only.
     *
     * @throws IllegalStateException when it is NaN or infinite
     */
    @Override
    public double reward(Prompt prompt, String completion) {
        return Tasks.requireFinite(hidden.reward(prompt, completion), prompt, completion);
    }

    /** The probability that the rater prefers {@code a} to {@code b}: sigmoid((r(a) - r(b)) / temperature). */
    public double preferenceProbability(Prompt prompt, String a, String b) {
        return probability(reward(prompt, a), reward(prompt, b));
    }

    private double probability(double ra, double rb) {
        if (ra == rb) {
            return 0.5;
        }
        // exp overflows to infinity for a large negative gap, which gives exactly 0: no NaN.
        return 1 / (1 + Math.exp(-(ra - rb) / temperature));
    }

    /** One Bradley-Terry draw: true when the rater prefers {@code a} to {@code b}. */
    public boolean prefer(Prompt prompt, String a, String b, RandomGenerator rng) {
        return rng.nextDouble() < preferenceProbability(prompt, a, b);
    }

    /**
     * Preference pairs among a prompt's completions, as {chosen, rejected} indices into
     * {@code completions}. Pairs are of distinct indices, in random order, and no unordered pair
     * repeats until all n(n-1)/2 have been used (then they are drawn again in a new round).
     * Each is oriented by a {@link #prefer} draw. The result depends only on {@code seed}, the
     * prompt id and the completions.
     *
     * @throws IllegalArgumentException when {@code pairsPerPrompt} is negative, or positive with
     *                                  fewer than two completions
     */
    public List<int[]> pairs(Prompt prompt, List<String> completions, int pairsPerPrompt, long seed) {
        if (pairsPerPrompt < 0) {
            throw new IllegalArgumentException("pairs per prompt must be >= 0, got " + pairsPerPrompt);
        }
        int n = completions.size();
        if (pairsPerPrompt > 0 && n < 2) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " has " + n
                    + " completion(s); pairs need at least two");
        }
        // Each completion's reward once, rather than twice per pair.
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = reward(prompt, completions.get(i));
        }
        // Mixing in the id keeps prompts from sharing one pattern of pairs when given one seed.
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + prompt.id().hashCode());
        long total = (long) n * (n - 1) / 2;
        List<int[]> out = new ArrayList<>(pairsPerPrompt);
        while (out.size() < pairsPerPrompt) {
            for (long t : distinct((int) Math.min(total, pairsPerPrompt - out.size()), total, rng)) {
                int[] ij = pairAt(t);
                boolean first = rng.nextDouble() < probability(r[ij[0]], r[ij[1]]);
                out.add(first ? ij : new int[] {ij[1], ij[0]});
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** m distinct numbers from [0, total) in random order (Floyd's sampling, then a shuffle). */
    private static long[] distinct(int m, long total, SplittableRandom rng) {
        Set<Long> seen = new HashSet<>();
        long[] picked = new long[m];
        int k = 0;
        for (long j = total - m; j < total; j++) {
            long t = rng.nextLong(j + 1);
            // j is new: every earlier draw was below it.
            long pick = seen.contains(t) ? j : t;
            seen.add(pick);
            picked[k++] = pick;
        }
        for (int i = m - 1; i > 0; i--) {
            int s = rng.nextInt(i + 1);
            long tmp = picked[i];
            picked[i] = picked[s];
            picked[s] = tmp;
        }
        return picked;
    }

    /** The t-th pair {i, j}, i < j, counting (0,1), (0,2), (1,2), (0,3), ...: t = j(j-1)/2 + i. */
    private static int[] pairAt(long t) {
        long j = (long) ((1 + Math.sqrt(1 + 8.0 * t)) / 2);
        // The square root may be off by one for large t; settle j exactly.
        while (j * (j - 1) / 2 > t) {
            j--;
        }
        while ((j + 1) * j / 2 <= t) {
            j++;
        }
        return new int[] {(int) (t - j * (j - 1) / 2), (int) j};
    }

    @Override
    public String toString() {
        return name();
    }
}
