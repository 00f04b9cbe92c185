package dev.qprobe.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.task.ArithmeticTask.Mix;
import dev.qprobe.task.ArithmeticTask.Strategy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArithmeticTaskTest {
    private static final ArithmeticTask TASK = ArithmeticTask.standard();

    private static Prompt add(int a, int b) {
        return new Prompt("add-" + a + "-" + b, a + "+" + b + "=");
    }

    private static double score(int a, int b, String completion) {
        return TASK.reward(add(a, b), completion);
    }

    /** The unordered problem of a prompt text "a+b=" or a corpus line "a+b=...", as "min+max". */
    private static String problem(String text) {
        String[] ab = text.substring(0, text.indexOf('=')).split("\\+");
        int a = Integer.parseInt(ab[0]);
        int b = Integer.parseInt(ab[1]);
        return Math.min(a, b) + "+" + Math.max(a, b);
    }

    @Test
    void carefulCompletionsWorkColumnByColumnWithCarries() {
        assertEquals("C 7+6=13 4+8+1=13 3+5+1=9 =933", ArithmeticTask.completion(347, 586, Strategy.CAREFUL));
        assertEquals("C 9+9=18 9+9+1=19 9+9+1=19 =1998", ArithmeticTask.completion(999, 999, Strategy.CAREFUL));
        assertEquals("C 0+0=0 0+0=0 1+1=2 =200", ArithmeticTask.completion(100, 100, Strategy.CAREFUL));
        // A carry into the last column only, and a 4-digit result from the last column alone.
        assertEquals("C 1+2=3 5+5=10 1+2+1=4 =403", ArithmeticTask.completion(151, 252, Strategy.CAREFUL));
        assertEquals("C 0+0=0 0+0=0 5+5=10 =1000", ArithmeticTask.completion(500, 500, Strategy.CAREFUL));
        // Operands of other lengths: missing columns are 0.
        assertEquals("C 5+8=13 0+9+1=10 =103", ArithmeticTask.completion(5, 98, Strategy.CAREFUL));
        assertEquals("C 0+0=0 =0", ArithmeticTask.completion(0, 0, Strategy.CAREFUL));
    }

    @Test
    void quickAndGuessCompletions() {
        assertEquals("Q 933", ArithmeticTask.completion(347, 586, Strategy.QUICK));
        assertEquals("Q 1998", ArithmeticTask.completion(999, 999, Strategy.QUICK));
        assertEquals("G 940", ArithmeticTask.completion(347, 586, Strategy.GUESS));
        // Half rounds up: 995 -> 1000, 105 -> 110.
        assertEquals("G 1110", ArithmeticTask.completion(995, 105, Strategy.GUESS));
        assertEquals("G 2000", ArithmeticTask.completion(999, 999, Strategy.GUESS));
        assertEquals("G 200", ArithmeticTask.completion(100, 100, Strategy.GUESS));
        assertEquals("G 500", ArithmeticTask.completion(123, 377, Strategy.GUESS));
    }

    @Test
    void checkerScoresAllThreeFormatsByHand() {
        assertEquals(1.0, score(347, 586, "C 7+6=13 4+8+1=13 3+5+1=9 =933"));
        assertEquals(0.0, score(347, 586, "C 7+6=13 4+8=12 3+5+1=9 =923"));
        assertEquals(1.0, score(347, 586, "Q 933"));
        assertEquals(0.0, score(347, 586, "Q 932"));
        assertEquals(0.0, score(347, 586, "G 940"));
        assertEquals(1.0, score(123, 377, "G 500"));
        assertEquals(1.0, score(999, 999, "C 9+9=18 9+9+1=19 9+9+1=19 =1998"));
        assertEquals(0.0, score(999, 999, "C 9+9=18 9+9+1=19 9+9+1=19 =998"));
        assertEquals(1.0, score(999, 999, "Q 1998"));
        assertEquals(0.0, score(999, 999, "Q 199"));
        assertEquals(0.0, score(999, 999, "G 2000"));
        assertEquals(1.0, score(100, 100, "C 0+0=0 0+0=0 1+1=2 =200"));
        assertEquals(1.0, score(100, 100, "Q 200"));
        assertEquals(1.0, score(100, 100, "G 200"));
        assertEquals(0.0, score(100, 100, "Q 20"));
        assertEquals(1.0, score(500, 500, "Q 1000"));
        // Only the final answer counts: no strategy letter, trailing spaces and wrong steps are fine.
        assertEquals(1.0, score(347, 586, "933"));
        assertEquals(1.0, score(347, 586, "Q 933   "));
        assertEquals(1.0, score(347, 586, "C 1+1=5 =933"));
        assertEquals(0.0, score(347, 586, "C 7+6=13 4+8+1=13 3+5+1=9 =933 =934"));
        // Zero is a number, not a leading zero.
        assertEquals(1.0, TASK.reward(new Prompt("zero", "0+0="), "Q 0"));
    }

    @Test
    void checkerWorksForAnyAdditionPrompt() {
        assertEquals(1.0, TASK.reward(new Prompt("p", "2+2="), "Q 4"));
        assertEquals(1.0, TASK.reward(new Prompt("big", "99999999999999999999+1="), "Q 100000000000000000000"));
        assertEquals(0.0, TASK.reward(new Prompt("big", "99999999999999999999+1="), "Q 99999999999999999999"));
        // Leading zeros in the prompt are read as numbers.
        assertEquals(1.0, TASK.reward(new Prompt("pad", "007+5="), "Q 12"));
    }

    @Test
    void malformedCompletionsScoreZeroAndNeverThrow() {
        List<String> nasty = new ArrayList<>(List.of(
                "", " ", "C", "Q", "Q ", "Q abc", "garbage", "%%%\u0000",
                "Q 933abc", "Q 933 x", "933Q", "Q 0933", "Q 00933", "Q 933.0", "Q 93.3", "Q -933",
                "Q 9 33", "Q 933\n", "Q 933\t", "\nQ 933\r", "Q \uFF19\uFF13\uFF13", "Q \u0669\u0663\u0663",
                "Q 9330", "Q 93", "Q 93333333333333333333333333333333",
                "Q " + "9".repeat(5000), "Q 933" + " ".repeat(2000), "Q 1,933", "C 7+6=13 =", "=933="));
        nasty.add(null);
        for (String c : nasty) {
            assertEquals(0.0, score(347, 586, c), () -> "completion " + c);
        }
        // A comma or point before the digits changes the number even when the digits match.
        assertEquals(0.0, score(999, 999, "Q 1,998"));
        assertEquals(0.0, score(999, 999, "Q 1.998"));
    }

    @Test
    void promptsNotOfTheAdditionFormAreRejectedByName() {
        for (String text : List.of("", "347+586", "347+586=?", " 347+586=", "347 + 586 =", "-3+5=", "3-5=",
                "347+586=933", "a+b=", "+5=", "1+2+3=")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TASK.reward(new Prompt("odd-one", text), "Q 933"), text);
            assertTrue(e.getMessage().contains("odd-one"), e.getMessage());
        }
    }

    @Test
    void teacherCompletionsAreScoredCorrectlyOverManyProblems() {
        SplittableRandom rng = new SplittableRandom(42);
        int n = 10_000;
        int guessRight = 0;
        for (int i = 0; i < n; i++) {
            int a = rng.nextInt(100, 1000);
            int b = rng.nextInt(100, 1000);
            assertEquals(1.0, score(a, b, ArithmeticTask.completion(a, b, Strategy.CAREFUL)), a + "+" + b);
            assertEquals(1.0, score(a, b, ArithmeticTask.completion(a, b, Strategy.QUICK)), a + "+" + b);
            double g = score(a, b, ArithmeticTask.completion(a, b, Strategy.GUESS));
            // A guess is right exactly when the two rounding errors cancel.
            boolean cancels = (a + 5) / 10 * 10 + (b + 5) / 10 * 10 == a + b;
            assertEquals(cancels ? 1.0 : 0.0, g, a + "+" + b);
            guessRight += (int) g;
        }
        double rate = guessRight / (double) n;
        assertTrue(rate > 0.05 && rate < 0.20, "guess success rate " + rate);
    }

    @Test
    void teacherCompletionsFitTheLengthBudgetAndTellTheirStrategy() {
        for (int a : new int[] {100, 555, 999}) {
            for (int b : new int[] {100, 545, 999}) {
                for (Strategy s : List.of(Strategy.CAREFUL, Strategy.QUICK, Strategy.GUESS)) {
                    String c = ArithmeticTask.completion(a, b, s);
                    assertTrue(c.length() + TASK.stop().length() <= TASK.maxCompletionChars(), c);
                    assertEquals(s, Strategy.of(c));
                    assertEquals(s.letter(), c.charAt(0));
                    assertEquals(s == Strategy.CAREFUL, ArithmeticTask.showsWork(c), c);
                }
            }
        }
        assertEquals("\n", TASK.stop());
        assertEquals(48, TASK.maxCompletionChars());
        assertEquals(Strategy.UNKNOWN, Strategy.of(null));
        assertEquals(Strategy.UNKNOWN, Strategy.of(""));
        assertEquals(Strategy.UNKNOWN, Strategy.of("933"));
        assertEquals(Strategy.UNKNOWN, Strategy.of("c 933"));
        assertEquals(Strategy.CAREFUL, Strategy.of("C garbage"));
    }

    @Test
    void showsWorkChecksTheCarefulFormOnly() {
        assertTrue(ArithmeticTask.showsWork("C 7+6=13 4+8+1=13 3+5+1=9 =933"));
        assertTrue(ArithmeticTask.showsWork("C 1+1=5 =9 "));
        for (String c : new String[] {null, "", "C", "C =933", "C 933", "Q 933", "C 7+6=13 =", "C 7+6=13 =933x",
                "C 7+6+2=15 =15", "C 7+6=13  =13", "c 7+6=13 =13"}) {
            assertFalse(ArithmeticTask.showsWork(c), c);
        }
    }

    @Test
    void promptsAreThreeDigitAdditionsWithStableIds() {
        List<Prompt> all = new ArrayList<>(TASK.trainPrompts());
        all.addAll(TASK.testPrompts());
        assertEquals(400, TASK.trainPrompts().size());
        assertEquals(100, TASK.testPrompts().size());
        for (Prompt p : all) {
            assertTrue(p.text().matches("[1-9][0-9]{2}\\+[1-9][0-9]{2}="), p.text());
            String[] ab = p.text().substring(0, p.text().length() - 1).split("\\+");
            assertEquals("add-" + ab[0] + "-" + ab[1], p.id());
        }
        assertEquals("arithmetic(train=400,test=100,seed=1)", TASK.name());
        assertEquals("arithmetic(train=30,test=20,seed=-5)", ArithmeticTask.create(30, 20, -5).name());
        assertEquals("arithmetic(train=30,test=20,seed=5,mix=0.1/0.6/0.3)",
                ArithmeticTask.create(30, 20, 5, new Mix(0.1, 0.6, 0.3)).name());
        assertEquals(Mix.DEFAULT, TASK.mix());
    }

    @Test
    void trainAndTestShareNoProblemInEitherOrder() {
        for (ArithmeticTask task : List.of(TASK, ArithmeticTask.create(20_000, 5_000, 3))) {
            Set<String> train = new HashSet<>();
            for (Prompt p : task.trainPrompts()) {
                assertTrue(train.add(problem(p.text())), "repeated train problem " + p.text());
            }
            Set<String> test = new HashSet<>();
            for (Prompt p : task.testPrompts()) {
                assertTrue(test.add(problem(p.text())), "repeated test problem " + p.text());
                assertFalse(train.contains(problem(p.text())), "train and test share " + p.text());
            }
        }
    }

    @Test
    void promptSetsAreDeterminedBySeedAndTestIgnoresTrainSize() {
        assertEquals(TASK.trainPrompts(), ArithmeticTask.standard().trainPrompts());
        assertEquals(TASK.testPrompts(), ArithmeticTask.standard().testPrompts());
        ArithmeticTask other = ArithmeticTask.create(400, 100, 2);
        assertNotEquals(TASK.trainPrompts(), other.trainPrompts());
        assertNotEquals(TASK.testPrompts(), other.testPrompts());
        // Drawing the test set first keeps it fixed while the train size varies.
        assertEquals(TASK.testPrompts(), ArithmeticTask.create(50, 100, 1).testPrompts());
        assertEquals(TASK.trainPrompts().subList(0, 50), ArithmeticTask.create(50, 100, 1).trainPrompts());
    }

    @Test
    void corpusFollowsTheMixAndTeachesOnlyRightCarefulAndQuickAnswers() {
        List<String> lines = TASK.corpus(10_000, 7);
        assertEquals(10_000, lines.size());
        Map<Strategy, Integer> counts = new EnumMap<>(Strategy.class);
        Map<Strategy, Integer> slips = new EnumMap<>(Strategy.class);
        for (String line : lines) {
            assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
            int eq = line.indexOf('=');
            Prompt prompt = new Prompt("line", line.substring(0, eq + 1));
            String completion = line.substring(eq + 1, line.length() - 1);
            Strategy s = Strategy.of(completion);
            counts.merge(s, 1, Integer::sum);
            String[] ab = prompt.text().substring(0, eq).split("\\+");
            String teacher = ArithmeticTask.completion(Integer.parseInt(ab[0]), Integer.parseInt(ab[1]), s);
            boolean right = TASK.reward(prompt, completion) == 1.0;
            if (s == Strategy.GUESS) {
                assertEquals(teacher, completion);
            } else if (right) {
                assertEquals(teacher, completion, "a right careful or quick line is the teacher's");
            } else {
                slips.merge(s, 1, Integer::sum);
                if (s == Strategy.CAREFUL) {
                    // One column sum off by one, and the answer follows the written steps.
                    assertEquals(teacher.split(" ").length, completion.split(" ").length, line);
                    assertEquals(writtenAnswer(completion), answer(completion), line);
                }
            }
        }
        assertEquals(ArithmeticTask.CAREFUL_SLIP, slips.get(Strategy.CAREFUL) / (double) counts.get(Strategy.CAREFUL),
                0.02);
        assertEquals(ArithmeticTask.QUICK_SLIP, slips.get(Strategy.QUICK) / (double) counts.get(Strategy.QUICK), 0.03);
        assertEquals(0, counts.getOrDefault(Strategy.UNKNOWN, 0));
        assertEquals(Mix.DEFAULT.careful(), counts.get(Strategy.CAREFUL) / 10_000.0, 0.02);
        assertEquals(Mix.DEFAULT.quick(), counts.get(Strategy.QUICK) / 10_000.0, 0.02);
        assertEquals(Mix.DEFAULT.guess(), counts.get(Strategy.GUESS) / 10_000.0, 0.02);

        ArithmeticTask onlyCareful = ArithmeticTask.create(10, 10, 1, new Mix(1, 0, 0));
        assertTrue(onlyCareful.corpus(500, 1).stream().allMatch(l -> l.contains("=C ")));
        ArithmeticTask noGuess = ArithmeticTask.create(10, 10, 1, new Mix(0.5, 0.5, 0));
        assertTrue(noGuess.corpus(2_000, 1).stream().noneMatch(l -> l.contains("=G ")));
    }

    @Test
    void corpusExcludesEveryEvaluationProblemInBothOrders() {
        // A large evaluation set, so that a leak would show up in a corpus of this size.
        ArithmeticTask task = ArithmeticTask.create(60_000, 20_000, 9);
        Set<String> evaluation = new HashSet<>();
        for (Prompt p : task.trainPrompts()) {
            evaluation.add(problem(p.text()));
        }
        for (Prompt p : task.testPrompts()) {
            evaluation.add(problem(p.text()));
        }
        for (String line : task.corpus(50_000, 9)) {
            assertFalse(evaluation.contains(problem(line)), line);
        }
    }

    @Test
    void corpusIsDeterminedBySeed() {
        assertEquals(TASK.corpus(200, 3), TASK.corpus(200, 3));
        assertNotEquals(TASK.corpus(200, 3), TASK.corpus(200, 4));
        assertEquals(TASK.corpus(200, 3).subList(0, 50), TASK.corpus(50, 3));
        assertEquals(List.of(), TASK.corpus(0, 3));
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertMessage(() -> ArithmeticTask.create(0, 100, 1), "at least one train and one test prompt, got train=0");
        assertMessage(() -> ArithmeticTask.create(400, 0, 1), "test=0");
        assertMessage(() -> ArithmeticTask.create(90_000, 20_000, 1), "110000 prompts is more than 100000");
        assertMessage(() -> new Mix(-0.1, 0.6, 0.5), "finite and >= 0");
        assertMessage(() -> new Mix(Double.NaN, 0.5, 0.5), "finite and >= 0");
        assertMessage(() -> new Mix(Double.POSITIVE_INFINITY, 0, 0), "finite and >= 0");
        assertMessage(() -> new Mix(0.2, 0.5, 0.4), "must sum to 1");
        assertMessage(() -> ArithmeticTask.completion(-1, 5, Strategy.QUICK), "operands must be >= 0, got -1 and 5");
        assertMessage(() -> ArithmeticTask.completion(1, 5, Strategy.UNKNOWN), "UNKNOWN");
        assertMessage(() -> TASK.corpus(-1, 0), "line count must be >= 0, got -1");
        assertMessage(() -> TASK.reward(new Prompt("x-1", "1+1"), "Q 2"), "prompt x-1 is not an addition <a>+<b>=");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** The number after the final " =" of a careful completion. */
    private static long answer(String careful) {
        return Long.parseLong(careful.substring(careful.lastIndexOf('=') + 1));
    }

    /** The answer the written column sums of a careful completion add up to. */
    private static long writtenAnswer(String careful) {
        String[] steps = careful.split(" ");
        long answer = 0;
        long place = 1;
        int carry = 0;
        for (int i = 1; i < steps.length - 1; i++) {
            int sum = Integer.parseInt(steps[i].substring(steps[i].indexOf('=') + 1));
            answer += (sum % 10) * place;
            carry = sum / 10;
            place *= 10;
        }
        return answer + carry * place;
    }
}
