package dev.qprobe.task;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three-digit addition ({@code "347+586="}) with a 0/1 checker, and the teaching corpus for a
 * small character-level model that answers it in three ways of graded reliability:
 * <ul>
 *   <li>{@link Strategy#CAREFUL careful}: column by column from the units up, with carries,
 *       then the answer: {@code "C 7+6=13 4+8+1=13 3+5+1=9 =933"} (in the corpus, one line in
 *       20 slips: one column sum is off by one, and the answer follows the slip);</li>
 *   <li>{@link Strategy#QUICK quick}: the answer directly, {@code "Q 933"} (in the corpus, two
 *       lines in five forget a carry, as mental arithmetic does);</li>
 *   <li>{@link Strategy#GUESS guess}: both operands rounded to the nearest ten, half up, and
 *       added, {@code "G 940"} (right only when the rounding errors cancel, about 9% of
 *       problems).</li>
 * </ul>
 * The mix of the three in the corpus makes a base model that is right only part of the time,
 * while best-of-k almost always contains a right answer: what a Q-probe needs to be useful. The
 * slips matter: a small transformer learns exact 3-digit addition, so without them every quick
 * answer would be right (measured: 99%) and the base rate would be too high to leave a probe room.
 *
 * <p>Prompts are {@code "<a>+<b>="} with a and b uniform in 100..999, id {@code "add-<a>-<b>"}.
 * Test prompts are drawn first from the seed and train prompts after them, so the test set does
 * not change with the train size. No problem is in both sets, counting a+b and b+a as one, and
 * the corpus contains none of them.
 */
public final class ArithmeticTask implements Task {
    /** Ends every corpus line; sampling stops at it, and it is not part of the completion. */
    public static final String STOP = "\n";
    private static final int MIN_OPERAND = 100;
    private static final int MAX_OPERAND = 999;
    /** Careful completions are the longest, at most 32 characters; leave the sampler some slack. */
    private static final int MAX_COMPLETION_CHARS = 48;
    /** Anything longer is a runaway generation, not an answer: scored 0 without a look. */
    private static final int MAX_CHECKED_CHARS = 1_000;
    /** Caps train + test so that most of the ~405,000 problems remain for the corpus. */
    private static final int MAX_EVALUATION_PROBLEMS = 100_000;
    private static final Pattern PROMPT = Pattern.compile("([0-9]+)\\+([0-9]+)=");
    private static final Pattern SHOWS_WORK = Pattern.compile("C( [0-9]+\\+[0-9]+(\\+1)?=[0-9]+)+ =[0-9]+ *");

    /** How a completion solves the problem, told by its first letter. */
    public enum Strategy {
        CAREFUL('C'), QUICK('Q'), GUESS('G'),
        /** A completion that starts with no strategy letter (or is empty); never generated. */
        UNKNOWN('?');

        private final char letter;

        Strategy(char letter) {
            this.letter = letter;
        }

        /** The letter that starts completions of this strategy. */
        public char letter() {
            return letter;
        }

        /** The strategy a completion follows, by its first letter; {@link #UNKNOWN} for null, empty or other. */
        public static Strategy of(String completion) {
            if (completion == null || completion.isEmpty()) {
                return UNKNOWN;
            }
            return switch (completion.charAt(0)) {
                case 'C' -> CAREFUL;
                case 'Q' -> QUICK;
                case 'G' -> GUESS;
                default -> UNKNOWN;
            };
        }
    }

    /**
     * Shares of the three strategies in the corpus; non-negative, summing to 1.
     *
     * @param careful share of careful (worked) completions
     * @param quick   share of quick (direct) completions
     * @param guess   share of guessed (rounded) completions
     */
    public record Mix(double careful, double quick, double guess) {
        /** Careful 15%, quick 45%, guess 40%. */
        public static final Mix DEFAULT = new Mix(0.15, 0.45, 0.40);

        public Mix {
            if (!(careful >= 0 && quick >= 0 && guess >= 0)
                    || Double.isInfinite(careful) || Double.isInfinite(quick) || Double.isInfinite(guess)) {
                throw new IllegalArgumentException("strategy shares must be finite and >= 0, got careful="
                        + careful + ", quick=" + quick + ", guess=" + guess);
            }
            double sum = careful + quick + guess;
            if (Math.abs(sum - 1) > 1e-9) {
                throw new IllegalArgumentException("strategy shares must sum to 1, got careful=" + careful
                        + " + quick=" + quick + " + guess=" + guess + " = " + sum);
            }
        }

        Strategy draw(SplittableRandom rng) {
            double u = rng.nextDouble();
            if (u < careful) {
                return Strategy.CAREFUL;
            }
            if (u < careful + quick) {
                return Strategy.QUICK;
            }
            // The shares may sum to a hair under 1: never fall through to a share of exactly 0.
            if (guess > 0) {
                return Strategy.GUESS;
            }
            return quick > 0 ? Strategy.QUICK : Strategy.CAREFUL;
        }
    }

    private final int trainSize;
    private final int testSize;
    private final long seed;
    private final Mix mix;
    private final List<Prompt> train;
    private final List<Prompt> test;
    /** Problems in either prompt set, by {@link #key}. */
    private final BitSet evaluation = new BitSet();

    private ArithmeticTask(int trainSize, int testSize, long seed, Mix mix) {
        if (trainSize < 1 || testSize < 1) {
            throw new IllegalArgumentException("need at least one train and one test prompt, got train="
                    + trainSize + ", test=" + testSize);
        }
        if ((long) trainSize + testSize > MAX_EVALUATION_PROBLEMS) {
            throw new IllegalArgumentException("train + test = " + ((long) trainSize + testSize)
                    + " prompts is more than " + MAX_EVALUATION_PROBLEMS
                    + ", which would leave too few problems for the corpus");
        }
        this.trainSize = trainSize;
        this.testSize = testSize;
        this.seed = seed;
        this.mix = Objects.requireNonNull(mix, "mix");
        SplittableRandom rng = new SplittableRandom(seed);
        this.test = drawPrompts(testSize, rng);
        this.train = drawPrompts(trainSize, rng);
    }

    /** 400 train and 100 test prompts from seed 1, with the {@link Mix#DEFAULT default mix}. */
    public static ArithmeticTask standard() {
        return create(400, 100, 1L);
    }

    /** {@code train} and {@code test} prompts from {@code seed}, with the {@link Mix#DEFAULT default mix}. */
    public static ArithmeticTask create(int train, int test, long seed) {
        return create(train, test, seed, Mix.DEFAULT);
    }

    /**
     * {@code train} and {@code test} prompts from {@code seed}, with a corpus mix of {@code mix}.
     *
     * @throws IllegalArgumentException when either size is below 1 or their sum above 100,000
     */
    public static ArithmeticTask create(int train, int test, long seed, Mix mix) {
        return new ArithmeticTask(train, test, seed, mix);
    }

    private List<Prompt> drawPrompts(int count, SplittableRandom rng) {
        List<Prompt> prompts = new ArrayList<>(count);
        while (prompts.size() < count) {
            int a = operand(rng);
            int b = operand(rng);
            int key = key(a, b);
            if (!evaluation.get(key)) {
                evaluation.set(key);
                prompts.add(new Prompt("add-" + a + "-" + b, a + "+" + b + "="));
            }
        }
        return List.copyOf(prompts);
    }

    private static int operand(SplittableRandom rng) {
        return rng.nextInt(MIN_OPERAND, MAX_OPERAND + 1);
    }

    /** One number per problem, the same for a+b and b+a. */
    private static int key(int a, int b) {
        return Math.min(a, b) * 1000 + Math.max(a, b);
    }

    /**
     * Includes everything that changes the prompts, and the mix when it is not the default
     * (the corpus, and so any model trained on it, depends on it).
     */
    @Override
    public String name() {
        String m = mix.equals(Mix.DEFAULT) ? ""
                : ",mix=" + mix.careful() + "/" + mix.quick() + "/" + mix.guess();
        return "arithmetic(train=" + trainSize + ",test=" + testSize + ",seed=" + seed + m + ")";
    }

    @Override
    public List<Prompt> trainPrompts() {
        return train;
    }

    @Override
    public List<Prompt> testPrompts() {
        return test;
    }

    /** The corpus mix of strategies. */
    public Mix mix() {
        return mix;
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
     * 1 when the completion's final answer is a+b, else 0. The final answer is the last run of
     * ASCII digits, and the completion must end with it (trailing spaces allowed). Anything
     * malformed scores 0: null or empty, no digits, digits followed by anything but spaces, a
     * leading zero (other than "0" itself), a minus sign, decimal point or comma right before
     * the digits (they change the number), or more than 1,000 characters. Nothing else is
     * checked: a careful completion with a wrong step but the right answer scores 1.
     *
     * @throws IllegalArgumentException when the prompt text is not {@code <digits>+<digits>=}
     */
    @Override
    public double reward(Prompt prompt, String completion) {
        String expected = answer(prompt);
        return expected.equals(finalAnswer(completion)) ? 1.0 : 0.0;
    }

    /** a+b for a prompt {@code "<a>+<b>="}, in decimal; any size of operand. */
    static String answer(Prompt prompt) {
        Matcher m = PROMPT.matcher(prompt.text());
        if (!m.matches()) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " is not an addition <a>+<b>=: \""
                    + Tasks.abbreviate(prompt.text()) + "\"");
        }
        return new BigInteger(m.group(1)).add(new BigInteger(m.group(2))).toString();
    }

    /** The final answer of a completion as written, or null when there is none or it is malformed. */
    static String finalAnswer(String completion) {
        if (completion == null || completion.length() > MAX_CHECKED_CHARS) {
            return null;
        }
        int end = completion.length();
        while (end > 0 && completion.charAt(end - 1) == ' ') {
            end--;
        }
        int start = end;
        while (start > 0 && isDigit(completion.charAt(start - 1))) {
            start--;
        }
        if (start == end) {
            return null;
        }
        if (start > 0 && "-.,".indexOf(completion.charAt(start - 1)) >= 0) {
            return null;
        }
        if (completion.charAt(start) == '0' && end - start > 1) {
            return null;
        }
        return completion.substring(start, end);
    }

    // Character.isDigit would accept other scripts' digits, which the checker does not read.
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Whether a completion has the careful format: {@code C}, one or more steps
     * {@code d1+d2[+1]=s}, then {@code " =<answer>"}. Checks the form only, not the arithmetic.
     */
    public static boolean showsWork(String completion) {
        return completion != null && completion.length() <= MAX_CHECKED_CHARS
                && SHOWS_WORK.matcher(completion).matches();
    }

    /**
     * The teacher's completion of a+b by {@code strategy}, without the stop string. Works for any
     * non-negative operands; with fewer digits in one, its missing columns are 0.
     *
     * @throws IllegalArgumentException for a negative operand or {@link Strategy#UNKNOWN}
     */
    public static String completion(int a, int b, Strategy strategy) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("operands must be >= 0, got " + a + " and " + b);
        }
        long sum = (long) a + b;
        return switch (Objects.requireNonNull(strategy, "strategy")) {
            case CAREFUL -> careful(a, b);
            case QUICK -> "Q " + sum;
            case GUESS -> "G " + (roundToTen(a) + roundToTen(b));
            case UNKNOWN -> throw new IllegalArgumentException("no completion for strategy UNKNOWN");
        };
    }

    /** Share of careful corpus lines with one column sum off by one. */
    static final double CAREFUL_SLIP = 0.05;
    /** Share of quick corpus lines that forget a carry. */
    static final double QUICK_SLIP = 0.4;

    /** A corpus completion: the teacher's, with the occasional slip a person would make. */
    private static String teach(int a, int b, Strategy strategy, SplittableRandom rng) {
        if (strategy == Strategy.CAREFUL && rng.nextDouble() < CAREFUL_SLIP) {
            int columns = Math.max(Integer.toString(a).length(), Integer.toString(b).length());
            return careful(a, b, rng.nextInt(columns), rng.nextBoolean() ? 1 : -1);
        }
        if (strategy == Strategy.QUICK && rng.nextDouble() < QUICK_SLIP) {
            return "Q " + forgetACarry(a, b, rng);
        }
        return completion(a, b, strategy);
    }

    /** a + b with one carry dropped; off by ten when there is no carry to drop. */
    private static long forgetACarry(int a, int b, SplittableRandom rng) {
        List<Integer> carries = new ArrayList<>();
        int carry = 0;
        for (int col = 0, x = a, y = b; x > 0 || y > 0; col++, x /= 10, y /= 10) {
            carry = (x % 10 + y % 10 + carry) / 10;
            if (carry == 1) {
                carries.add(col);
            }
        }
        long sum = (long) a + b;
        if (carries.isEmpty()) {
            return sum >= 20 && rng.nextBoolean() ? sum - 10 : sum + 10;
        }
        return sum - (long) Math.pow(10, carries.get(rng.nextInt(carries.size())) + 1);
    }

    private static String careful(int a, int b) {
        return careful(a, b, -1, 0);
    }

    /**
     * The worked completion; column {@code slipColumn} (-1 for none) writes its sum off by
     * {@code slip}, and the carries and the answer follow what was written.
     */
    private static String careful(int a, int b, int slipColumn, int slip) {
        StringBuilder sb = new StringBuilder("C");
        int x = a;
        int y = b;
        int carry = 0;
        long answer = 0;
        long place = 1;
        int col = 0;
        do {
            int d1 = x % 10;
            int d2 = y % 10;
            int s = d1 + d2 + carry;
            if (col == slipColumn) {
                s = s + slip < 0 ? s + 1 : s + slip;
            }
            sb.append(' ').append(d1).append('+').append(d2);
            if (carry == 1) {
                sb.append("+1");
            }
            sb.append('=').append(s);
            answer += (s % 10) * place;
            carry = s / 10;
            place *= 10;
            x /= 10;
            y /= 10;
            col++;
        } while (x > 0 || y > 0);
        answer += carry * place;
        return sb.append(" =").append(answer).toString();
    }

    private static long roundToTen(int x) {
        return ((long) x + 5) / 10 * 10;
    }

    /**
     * Teaching lines for the language model: {@code prompt + completion + "\n"}, each a problem
     * drawn uniformly (repeats allowed) that is in neither prompt set, in either operand order,
     * with a strategy drawn from the mix.
     *
     * @param lines number of lines (>= 0)
     * @param seed  seeds problems and strategies
     */
    public List<String> corpus(int lines, long seed) {
        if (lines < 0) {
            throw new IllegalArgumentException("corpus line count must be >= 0, got " + lines);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(lines);
        while (out.size() < lines) {
            int a = operand(rng);
            int b = operand(rng);
            if (!evaluation.get(key(a, b))) {
                out.add(a + "+" + b + "=" + teach(a, b, mix.draw(rng), rng) + STOP);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return name();
    }
}
