package dev.qprobe.task.code;

import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Code generation scored by unit tests, the setting of the Q-probe paper: each prompt is a
 * {@link CodeProblem}, and a completion earns 1 when it passes all the problem's tests in a
 * {@link PythonSandbox}, else 0.
 *
 * <p>The prompt is the problem's text, then the tests ({@link #promptText}): as in MBPP's
 * few-shot prompts, the tests tell the model the function's name and signature, and are also the
 * ones that score it. Before running, a completion is taken out of any markdown code fence
 * ({@link #stripFences}). Problems are split into train and test prompts by a seeded shuffle
 * ({@link #of}, {@link #seededSplit}) or by id lists ({@link #byIds}, for MBPP's published split).
 */
public final class CodeTask implements Task {
    /** Share of problems in the test prompts for {@link #of}. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    /** Shuffle seed for {@link #of}. */
    public static final long DEFAULT_SEED = 1;
    private static final Pattern FENCE = Pattern.compile("(?m)^[ \\t]*```[ \\t]*([^\\s`]*)[^\\n]*$");

    private final String name;
    private final List<Prompt> train;
    private final List<Prompt> test;
    private final Map<String, CodeProblem> problems;
    private final PythonSandbox sandbox;

    private CodeTask(String name, List<CodeProblem> train, List<CodeProblem> test, PythonSandbox sandbox) {
        this.name = name;
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.problems = new HashMap<>();
        this.train = prompts(train);
        this.test = prompts(test);
    }

    /** {@link #seededSplit} with {@link #DEFAULT_TEST_FRACTION} (20%) and {@link #DEFAULT_SEED}. */
    public static CodeTask of(String name, List<CodeProblem> problems, PythonSandbox sandbox) {
        return seededSplit(name, problems, DEFAULT_TEST_FRACTION, DEFAULT_SEED, sandbox);
    }

    /**
     * Splits problems by a seeded shuffle: sorted by id (so file order does not matter), shuffled
     * with {@code java.util.Random(seed)}, the first {@code round(n * testFraction)} (at least
     * one, at most n - 1) become test prompts and the rest train prompts. The task's name is
     * {@code name(train=..,test=..,seed=..)}.
     *
     * @throws IllegalArgumentException for a blank name, fewer than two problems, repeated ids or
     *                                  a fraction outside (0, 1)
     */
    public static CodeTask seededSplit(String name, List<CodeProblem> problems, double testFraction, long seed,
                                       PythonSandbox sandbox) {
        checkName(name);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("the test fraction must be in (0, 1), got " + testFraction);
        }
        List<CodeProblem> all = new ArrayList<>(uniqueById(problems, name).values());
        if (all.size() < 2) {
            throw new IllegalArgumentException("code task " + name + " needs at least two problems to split, got "
                    + all.size());
        }
        all.sort(Comparator.comparing(CodeProblem::id));
        Collections.shuffle(all, new Random(seed));
        int nTest = (int) Math.max(1, Math.min(all.size() - 1, Math.round(all.size() * testFraction)));
        List<CodeProblem> test = all.subList(0, nTest);
        List<CodeProblem> train = all.subList(nTest, all.size());
        return new CodeTask(name + "(train=" + train.size() + ",test=" + test.size() + ",seed=" + seed + ")",
                train, test, sandbox);
    }

    /**
     * Splits problems by id: the problems named in {@code trainIds} become train prompts, those in
     * {@code testIds} test prompts, each in the order of the lists; other problems are left out.
     * The task's name is {@code name(train=..,test=..)}.
     *
     * @throws IllegalArgumentException for a blank name, an empty list, an id with no problem, an
     *                                  id in both lists, or repeated problem ids
     */
    public static CodeTask byIds(String name, List<CodeProblem> problems, Collection<String> trainIds,
                                 Collection<String> testIds, PythonSandbox sandbox) {
        checkName(name);
        Map<String, CodeProblem> byId = uniqueById(problems, name);
        Set<String> trainSet = new LinkedHashSet<>(trainIds);
        Set<String> testSet = new LinkedHashSet<>(testIds);
        for (String id : testSet) {
            if (trainSet.contains(id)) {
                throw new IllegalArgumentException("code task " + name + ": problem " + id
                        + " is in both the train and the test ids");
            }
        }
        List<CodeProblem> train = pick(byId, trainSet, "train", name);
        List<CodeProblem> test = pick(byId, testSet, "test", name);
        return new CodeTask(name + "(train=" + train.size() + ",test=" + test.size() + ")", train, test, sandbox);
    }

    /**
     * The text the model sees for a problem: its description, a line saying the tests follow,
     * and the tests, one a line, ending with a newline.
     */
    public static String promptText(CodeProblem problem) {
        StringBuilder sb = new StringBuilder(problem.text().strip())
                .append("\nYour solution is run against these tests:\n");
        for (String t : problem.tests()) {
            sb.append(t.strip()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The code in a completion that may be wrapped in markdown fences (lines starting with three
     * backticks, optionally followed by a language such as {@code python}):
     * <ul>
     *   <li>no fence line: the completion as it is;</li>
     *   <li>two or more: what lies between the first two (prose around them and later blocks,
     *       often usage examples, are dropped);</li>
     *   <li>one fence with a language: what follows it (the block was never closed);</li>
     *   <li>one bare fence: what precedes it (the prompt opened the block and the completion
     *       closed it), or what follows it when nothing precedes it.</li>
     * </ul>
     */
    public static String stripFences(String completion) {
        Matcher m = FENCE.matcher(completion);
        if (!m.find()) {
            return completion;
        }
        int firstStart = m.start();
        int firstEnd = m.end();
        boolean tagged = !m.group(1).isEmpty();
        if (m.find()) {
            return afterLine(completion, firstEnd, m.start());
        }
        String before = completion.substring(0, firstStart);
        if (!tagged && !before.isBlank()) {
            return before;
        }
        return afterLine(completion, firstEnd, completion.length());
    }

    /** The problem behind a prompt of this task. */
    public CodeProblem problem(Prompt prompt) {
        CodeProblem p = problems.get(prompt.id());
        if (p == null) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " is not a problem of code task " + name);
        }
        return p;
    }

    /** The sandbox job that checks {@code completion} (fences stripped) against the prompt's tests. */
    public PythonSandbox.Job job(Prompt prompt, String completion) {
        CodeProblem p = problem(prompt);
        return new PythonSandbox.Job(stripFences(Objects.requireNonNull(completion, "completion")), p.setup(),
                p.tests());
    }

    /** The sandbox that scores completions. */
    public PythonSandbox sandbox() {
        return sandbox;
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

    /** 1 if the completion passes all the prompt's tests in the sandbox, else 0. */
    @Override
    public double reward(Prompt prompt, String completion) {
        return sandbox.run(job(prompt, completion)).passed() ? 1.0 : 0.0;
    }

    /** As {@link #reward}, for each completion, run in parallel by {@link PythonSandbox#runAll}. */
    @Override
    public double[] rewards(Prompt prompt, List<String> completions) {
        List<PythonSandbox.Job> jobs = new ArrayList<>(completions.size());
        for (String c : completions) {
            jobs.add(job(prompt, c));
        }
        List<PythonSandbox.Result> results = sandbox.runAll(jobs);
        double[] rewards = new double[results.size()];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = results.get(i).passed() ? 1.0 : 0.0;
        }
        return rewards;
    }

    @Override
    public String toString() {
        return name;
    }

    private List<Prompt> prompts(List<CodeProblem> list) {
        List<Prompt> out = new ArrayList<>(list.size());
        for (CodeProblem p : list) {
            problems.put(p.id(), p);
            out.add(new Prompt(p.id(), promptText(p)));
        }
        return List.copyOf(out);
    }

    private static String afterLine(String text, int lineEnd, int until) {
        int start = lineEnd < text.length() && text.charAt(lineEnd) == '\n' ? lineEnd + 1 : lineEnd;
        return start >= until ? "" : text.substring(start, until);
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a code task needs a non-blank name");
        }
    }

    private static Map<String, CodeProblem> uniqueById(List<CodeProblem> problems, String name) {
        Map<String, CodeProblem> byId = new LinkedHashMap<>();
        for (CodeProblem p : problems) {
            Objects.requireNonNull(p, "problem");
            if (byId.put(p.id(), p) != null) {
                throw new IllegalArgumentException("code task " + name + ": problem id " + p.id() + " appears twice");
            }
        }
        return byId;
    }

    private static List<CodeProblem> pick(Map<String, CodeProblem> byId, Set<String> ids, String which,
                                          String name) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("code task " + name + " needs at least one " + which + " problem");
        }
        List<CodeProblem> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            CodeProblem p = byId.get(id);
            if (p == null) {
                throw new IllegalArgumentException("code task " + name + ": " + which + " id " + id
                        + " names no problem");
            }
            out.add(p);
        }
        return out;
    }
}
