package dev.qprobe.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Additions of mixed length (2 to 4 digits per operand, written with leading zeros to 4 digits)
 * worked column by column, with a 0/1 checker, and the teaching corpus for a small
 * character-level model that forgets carries:
 * {@code "4738+0586=8+6=14 3+8+1=12 7+5+1=13 4+0+1=5 =5324"}.
 *
 * <p>Why the zeros: a 3-layer model with learned positions finds a column's digits at fixed
 * offsets when every operand has four digits; with operands of unequal length it must count from
 * the right, which it did not learn in 800 steps of fine-tuning (BENCHMARKS.md).
 *
 * <p>Every completion has the same form; there is no strategy letter or other surface cue that
 * tells a right answer from a wrong one. The teacher the model imitates drops each carry it owes
 * with probability {@link #DROPPED_CARRY} (writing {@code 3+8=11} where {@code 3+8+1=12} was due)
 * and writes a column sum off by one with probability {@link #COLUMN_SLIP}; the answer follows the
 * columns as written. So how likely a completion is right depends on the problem, through its
 * number of carries into a written column (the teacher is right about 0.35^c of the time with c of
 * them, times 0.98 per column), and whether one completion
 * is right can only be read from its computation: a right one has every carry it owes. A
 * reward-model probe can learn that problems with many carries are hard, which does not help to
 * choose among one problem's completions; that is the effect the policy-gradient objective is
 * built to avoid.
 *
 * <p>Prompts are {@code "<a>+<b>="} with both operands zero-padded to 4 digits, id {@code "wadd-<a>-<b>"}; the number of carries is drawn
 * uniformly from 0 to 4 first, then operand lengths uniformly from 2 to 4 digits, then operands
 * until the problem has that many carries (so difficulty is graded evenly). Test prompts are drawn
 * first and train prompts after them, so the test set does not change with the train size. No
 * problem is in both sets (a+b and b+a count as one), and the corpus contains none of them.
 */
public final class WorkedAdditionTask implements Task {
    /** Ends every corpus line; sampling stops at it, and it is not part of the completion. */
    public static final String STOP = "\n";
    /**
     * Samples to draw per train and test prompt for the full experiment (the demo's default, as in
     * the paper): k = 48 then has 4 chunks per prompt, and best-of-k can be read up to k = 200.
     */
    public static final int SAMPLES_PER_PROMPT = 200;
    /** Probability that the teacher forgets a carry it owes. */
    public static final double DROPPED_CARRY = 0.65;
    /** Probability that the teacher writes a column's sum off by one. */
    public static final double COLUMN_SLIP = 0.02;
    static final int MIN_DIGITS = 2;
    static final int MAX_DIGITS = 4;
    static final int MAX_CARRIES = 4;
    /** Four columns of {@code "d+d+1=dd "} and {@code " =10000"} make 43; leave the sampler some slack. */
    private static final int MAX_COMPLETION_CHARS = 52;
    private static final int MAX_EVALUATION_PROBLEMS = 100_000;
    private static final Pattern WORKED = Pattern.compile("[0-9]\\+[0-9](\\+1)?=[0-9]+( [0-9]\\+[0-9](\\+1)?=[0-9]+)* =[0-9]+ *");

    private final int trainSize;
    private final int testSize;
    private final long seed;
    private final List<Prompt> train;
    private final List<Prompt> test;
    /** Problems in either prompt set, by {@link #key}. */
    private final Set<Long> evaluation = new HashSet<>();

    private WorkedAdditionTask(int trainSize, int testSize, long seed) {
        if (trainSize < 1 || testSize < 1) {
            throw new IllegalArgumentException("need at least one train and one test prompt, got train="
                    + trainSize + ", test=" + testSize);
        }
        if ((long) trainSize + testSize > MAX_EVALUATION_PROBLEMS) {
            throw new IllegalArgumentException("train + test = " + ((long) trainSize + testSize)
                    + " prompts is more than " + MAX_EVALUATION_PROBLEMS);
        }
        this.trainSize = trainSize;
        this.testSize = testSize;
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed);
        this.test = drawPrompts(testSize, rng);
        this.train = drawPrompts(trainSize, rng);
    }

    /**
     * 100 train and 100 test prompts from seed 1: the demo's, README's and notebooks' task, sized
     * so that sampling 200 completions of each prompt stays within a few minutes on 2 cores. Its
     * prompts are {@link #full()}'s first 100 train and all its test prompts.
     */
    public static WorkedAdditionTask standard() {
        return create(100, 100, 1L);
    }

    /**
     * 400 train and 100 test prompts from seed 1: the full experiment's (data-limited sweep up to
     * 400 train prompts); the built-in model's corpus leaves all of them out.
     */
    public static WorkedAdditionTask full() {
        return create(400, 100, 1L);
    }

    /**
     * {@code train} and {@code test} prompts from {@code seed}.
     *
     * @throws IllegalArgumentException when either size is below 1 or their sum above 100,000
     */
    public static WorkedAdditionTask create(int train, int test, long seed) {
        return new WorkedAdditionTask(train, test, seed);
    }

    private List<Prompt> drawPrompts(int count, SplittableRandom rng) {
        List<Prompt> prompts = new ArrayList<>(count);
        while (prompts.size() < count) {
            int[] p = problem(rng);
            if (evaluation.add(key(p[0], p[1]))) {
                prompts.add(new Prompt("wadd-" + p[0] + "-" + p[1], promptText(p[0], p[1])));
            }
        }
        return List.copyOf(prompts);
    }

    /** {@code "0473+0586="}: both operands written with 4 digits. */
    static String promptText(int a, int b) {
        return String.format(java.util.Locale.ROOT, "%04d+%04d=", a, b);
    }

    /** A problem with a uniformly drawn number of carries (0..4), then lengths, then operands. */
    static int[] problem(SplittableRandom rng) {
        int carries = rng.nextInt(MAX_CARRIES + 1);
        while (true) {
            int la = rng.nextInt(MIN_DIGITS, MAX_DIGITS + 1);
            int lb = rng.nextInt(MIN_DIGITS, MAX_DIGITS + 1);
            if (Math.max(la, lb) < carries) {
                continue;
            }
            for (int attempt = 0; attempt < 50; attempt++) {
                int a = rng.nextInt(pow10(la - 1), pow10(la));
                int b = rng.nextInt(pow10(lb - 1), pow10(lb));
                if (carries(a, b) == carries) {
                    return new int[] {a, b};
                }
            }
        }
    }

    private static int pow10(int e) {
        int p = 1;
        for (int i = 0; i < e; i++) {
            p *= 10;
        }
        return p;
    }

    /** How many columns of a+b carry into the next, written out by hand. */
    public static int carries(int a, int b) {
        int carry = 0;
        int count = 0;
        for (int x = a, y = b; x > 0 || y > 0; x /= 10, y /= 10) {
            carry = (x % 10 + y % 10 + carry) / 10;
            count += carry;
        }
        return count;
    }

    /** One number per problem, the same for a+b and b+a. */
    private static long key(int a, int b) {
        return (long) Math.min(a, b) * 100_000L + Math.max(a, b);
    }

    @Override
    public String name() {
        return "worked-addition(train=" + trainSize + ",test=" + testSize + ",seed=" + seed + ")";
    }

    @Override
    public List<Prompt> trainPrompts() {
        return train;
    }

    @Override
    public List<Prompt> testPrompts() {
        return test;
    }

    /** The stop string: a newline, {@link #STOP}. */
    public String stop() {
        return STOP;
    }

    /** Enough characters (= tokens, for a character-level model) for the longest completion, with slack. */
    public int maxCompletionChars() {
        return MAX_COMPLETION_CHARS;
    }

    /**
     * 1 when the completion's final answer (its last run of digits, which must end it, trailing
     * spaces allowed) is a+b, else 0; read as {@link ArithmeticTask#reward} reads it. The
     * steps are not checked: a wrong step with the right answer scores 1.
     *
     * @throws IllegalArgumentException when the prompt text is not {@code <digits>+<digits>=}
     */
    @Override
    public double reward(Prompt prompt, String completion) {
        return ArithmeticTask.answer(prompt).equals(ArithmeticTask.finalAnswer(completion)) ? 1.0 : 0.0;
    }

    /** Whether a completion has the worked form (steps {@code d+d[+1]=s}, then {@code " =<answer>"}); form only. */
    public static boolean isWorked(String completion) {
        return completion != null && completion.length() <= 1_000 && WORKED.matcher(completion).matches();
    }

    /** The right worked completion of a+b, without the stop string. */
    public static String worked(int a, int b) {
        return worked(a, b, new boolean[MAX_DIGITS + 2], new int[MAX_DIGITS + 2]);
    }

    /**
     * A worked completion of all four columns in which column {@code i} (from the units) forgets
     * its carry when {@code dropCarry[i]} and writes its sum off by {@code slip[i]}; carries and the
     * answer follow what was written.
     *
     * @throws IllegalArgumentException for an operand outside 0..9999
     */
    static String worked(int a, int b, boolean[] dropCarry, int[] slip) {
        if (a < 0 || b < 0 || a >= 10_000 || b >= 10_000) {
            throw new IllegalArgumentException("operands must be in 0..9999, got " + a + " and " + b);
        }
        StringBuilder sb = new StringBuilder();
        int x = a;
        int y = b;
        int carry = 0;
        long answer = 0;
        long place = 1;
        int col = 0;
        do {
            int d1 = x % 10;
            int d2 = y % 10;
            boolean carrying = carry == 1 && !(col < dropCarry.length && dropCarry[col]);
            int s = d1 + d2 + (carrying ? 1 : 0);
            int off = col < slip.length ? slip[col] : 0;
            s = s + off < 0 || s + off > 19 ? s - off : s + off;  // a slip never writes -1 or a carry of 2
            if (col > 0) {
                sb.append(' ');
            }
            sb.append(d1).append('+').append(d2);
            if (carrying) {
                sb.append("+1");
            }
            sb.append('=').append(s);
            answer += (s % 10) * place;
            carry = s / 10;
            place *= 10;
            x /= 10;
            y /= 10;
            col++;
        } while (col < MAX_DIGITS);
        answer += carry * place;
        return sb.append(" =").append(answer).toString();
    }

    /** The teacher's completion: each owed carry dropped, each column slipped, at the task's rates. */
    static String teach(int a, int b, SplittableRandom rng) {
        boolean[] drop = new boolean[MAX_DIGITS + 2];
        int[] slip = new int[MAX_DIGITS + 2];
        for (int i = 0; i < drop.length; i++) {
            drop[i] = rng.nextDouble() < DROPPED_CARRY;
            slip[i] = rng.nextDouble() < COLUMN_SLIP ? (rng.nextBoolean() ? 1 : -1) : 0;
        }
        return worked(a, b, drop, slip);
    }

    /**
     * Teaching lines for the language model: {@code prompt + completion + "\n"}, problems drawn
     * as the prompts are (repeats allowed) but in neither prompt set, nor in {@code exclude}.
     *
     * @param lines   number of lines (>= 0)
     * @param seed    seeds problems and slips
     * @param exclude prompt texts kept out of the corpus too (another task's prompts, say)
     */
    public List<String> corpus(int lines, long seed, Set<String> exclude) {
        if (lines < 0) {
            throw new IllegalArgumentException("corpus line count must be >= 0, got " + lines);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(lines);
        while (out.size() < lines) {
            int[] p = problem(rng);
            boolean swap = rng.nextBoolean();
            int a = swap ? p[1] : p[0];
            int b = swap ? p[0] : p[1];
            String prompt = promptText(a, b);
            // Excluded as written here or without the zeros (as the arithmetic task writes prompts).
            if (!evaluation.contains(key(a, b)) && !exclude.contains(prompt) && !exclude.contains(a + "+" + b + "=")) {
                out.add(prompt + teach(a, b, rng) + STOP);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return name();
    }
}
