package dev.qprobe.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Candidates grouped by prompt: per-row prompt id, texts and reward, and one {@link FeatureMatrix}
 * whose row i is the feature vector of candidate i. Optionally carries preference pairs (for the
 * pairwise objective). Immutable; splitting and subsetting return new sets.
 */
public final class SampleSet {
    private final String[] promptIds;
    private final String[] prompts;
    private final String[] completions;
    private final double[] rewards;
    private final FeatureMatrix features;
    private final List<PreferencePair> pairs;
    /** Distinct prompt ids in order of first appearance, and the rows of each. */
    private final String[] promptOrder;
    private final int[][] rowsByPrompt;
    private final int[] promptIndexOfRow;

    private SampleSet(String[] promptIds, String[] prompts, String[] completions, double[] rewards,
                      FeatureMatrix features, List<PreferencePair> pairs) {
        this.promptIds = promptIds;
        this.prompts = prompts;
        this.completions = completions;
        this.rewards = rewards;
        this.features = features;
        this.pairs = List.copyOf(pairs);
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < promptIds.length; i++) {
            groups.computeIfAbsent(promptIds[i], id -> new ArrayList<>()).add(i);
        }
        this.promptOrder = groups.keySet().toArray(String[]::new);
        this.rowsByPrompt = new int[promptOrder.length][];
        this.promptIndexOfRow = new int[promptIds.length];
        int p = 0;
        for (List<Integer> rows : groups.values()) {
            rowsByPrompt[p] = rows.stream().mapToInt(Integer::intValue).toArray();
            for (int r : rowsByPrompt[p]) {
                promptIndexOfRow[r] = p;
            }
            p++;
        }
    }

    /**
     * Builds a set from per-row columns and a feature matrix with one row per candidate.
     *
     * @param prompts     prompt texts, or null when only ids are known
     * @param completions completion texts, or null when unknown
     * @param source      names where the data came from, for error messages
     * @throws IllegalArgumentException on mismatched lengths, a missing prompt id or a non-finite reward
     */
    public static SampleSet of(String[] promptIds, String[] prompts, String[] completions, double[] rewards,
                               FeatureMatrix features, List<PreferencePair> pairs, String source) {
        int n = promptIds.length;
        requireLength(rewards.length, n, "rewards", source);
        requireLength(features.rows(), n, "feature rows", source);
        String[] p = prompts == null ? new String[n] : prompts;
        String[] c = completions == null ? new String[n] : completions;
        requireLength(p.length, n, "prompts", source);
        requireLength(c.length, n, "completions", source);
        for (int i = 0; i < n; i++) {
            if (promptIds[i] == null || promptIds[i].isEmpty()) {
                throw new IllegalArgumentException(source + ": missing prompt id at row " + i);
            }
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException(source + ": reward " + rewards[i] + " at row " + i
                        + " (rewards must be finite)");
            }
        }
        for (PreferencePair pair : pairs) {
            Objects.checkIndex(pair.chosen(), n);
            Objects.checkIndex(pair.rejected(), n);
            if (!promptIds[pair.chosen()].equals(promptIds[pair.rejected()])) {
                throw new IllegalArgumentException(source + ": preference pair " + pair
                        + " compares candidates of different prompts");
            }
        }
        return new SampleSet(promptIds.clone(), p.clone(), c.clone(), rewards.clone(), features, pairs);
    }

    private static void requireLength(int actual, int expected, String what, String source) {
        if (actual != expected) {
            throw new IllegalArgumentException(source + ": " + what + " has " + actual
                    + " entries but there are " + expected + " samples");
        }
    }

    /** Starts a set built one sample at a time, for small data and tests. */
    public static Builder builder(int dim) {
        return new Builder(dim);
    }

    public int size() {
        return promptIds.length;
    }

    public int dim() {
        return features.dim();
    }

    public int promptCount() {
        return promptOrder.length;
    }

    /** The distinct prompt ids, in order of first appearance. */
    public List<String> promptIds() {
        return List.of(promptOrder);
    }

    /** Row indices of the candidates of the p-th prompt. */
    public int[] rowsOfPrompt(int promptIndex) {
        return rowsByPrompt[promptIndex].clone();
    }

    /** The index (in {@link #promptIds()}) of the prompt that row belongs to. */
    public int promptIndexOf(int row) {
        return promptIndexOfRow[row];
    }

    public String promptId(int row) {
        return promptIds[row];
    }

    /** The prompt text of a row, or null when unknown; unlike {@link #sample} it copies no features. */
    public String prompt(int row) {
        return prompts[row];
    }

    /** The completion text of a row, or null when unknown. */
    public String completion(int row) {
        return completions[row];
    }

    public double reward(int row) {
        return rewards[row];
    }

    /** A copy of all rewards, in row order. */
    public double[] rewards() {
        return rewards.clone();
    }

    public FeatureMatrix features() {
        return features;
    }

    /**
     * The same samples with other features for the same rows: e.g. stored as bfloat16
     * ({@code features().withPrecision(BF16)}) or mapped from a file written from these.
     */
    public SampleSet withFeatures(FeatureMatrix other) {
        requireLength(other.rows(), size(), "feature rows", "withFeatures");
        return new SampleSet(promptIds, prompts, completions, rewards, other, pairs);
    }

    public List<PreferencePair> pairs() {
        return pairs;
    }

    public Sample sample(int row) {
        return new Sample(promptIds[row], prompts[row], completions[row], rewards[row], features.row(row));
    }

    /** True when every reward is exactly 0 or 1. */
    public boolean hasBinaryRewards() {
        for (double r : rewards) {
            if (r != 0.0 && r != 1.0) {
                return false;
            }
        }
        return true;
    }

    /** The mean reward over all candidates: the base model's success rate when rewards are 0/1. */
    public double meanReward() {
        return Arrays.stream(rewards).average().orElse(Double.NaN);
    }

    /** A new set holding the candidates of the given prompts (by index), with their pairs. */
    public SampleSet selectPrompts(int[] promptIndices) {
        int total = 0;
        for (int p : promptIndices) {
            total += rowsByPrompt[Objects.checkIndex(p, promptOrder.length)].length;
        }
        int[] rows = new int[total];
        int at = 0;
        for (int p : promptIndices) {
            for (int r : rowsByPrompt[p]) {
                rows[at++] = r;
            }
        }
        return selectRows(rows);
    }

    private SampleSet selectRows(int[] rows) {
        int[] newIndex = new int[size()];
        Arrays.fill(newIndex, -1);
        for (int i = 0; i < rows.length; i++) {
            newIndex[rows[i]] = i;
        }
        List<PreferencePair> kept = new ArrayList<>();
        for (PreferencePair pair : pairs) {
            int c = newIndex[pair.chosen()];
            int r = newIndex[pair.rejected()];
            if (c >= 0 && r >= 0) {
                kept.add(new PreferencePair(c, r));
            }
        }
        return new SampleSet(pick(promptIds, rows), pick(prompts, rows), pick(completions, rows),
                Arrays.stream(rows).mapToDouble(r -> rewards[r]).toArray(), features.selectRows(rows), kept);
    }

    private static String[] pick(String[] column, int[] rows) {
        return Arrays.stream(rows).mapToObj(r -> column[r]).toArray(String[]::new);
    }

    /**
     * Splits by prompt: a seeded random {@code testFraction} of the prompts (at least one, when
     * there are two or more) goes to the test set, the rest to training. No prompt is in both.
     */
    public Split splitByPrompt(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
        }
        if (promptCount() < 2) {
            throw new IllegalArgumentException("cannot split " + promptCount()
                    + " prompt(s) into train and test: need at least 2");
        }
        int[] order = shuffledPrompts(seed);
        int nTest = (int) Math.round(testFraction * order.length);
        nTest = Math.max(1, Math.min(order.length - 1, nTest));
        int[] test = Arrays.copyOfRange(order, 0, nTest);
        int[] train = Arrays.copyOfRange(order, nTest, order.length);
        Arrays.sort(test);
        Arrays.sort(train);
        return new Split(selectPrompts(train), selectPrompts(test));
    }

    /** Splits by prompt id: the given ids are the test set, all others training. */
    public Split splitByPrompt(Set<String> testPromptIds) {
        Set<String> unknown = new HashSet<>(testPromptIds);
        unknown.removeAll(Arrays.asList(promptOrder));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("test prompt ids not in this set: " + unknown);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int p = 0; p < promptOrder.length; p++) {
            (testPromptIds.contains(promptOrder[p]) ? test : train).add(p);
        }
        return new Split(selectPrompts(train.stream().mapToInt(Integer::intValue).toArray()),
                selectPrompts(test.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The first {@code count} prompts of a seeded shuffle: for data-limited experiments. */
    public SampleSet samplePrompts(int count, long seed) {
        if (count < 1 || count > promptCount()) {
            throw new IllegalArgumentException("cannot take " + count + " prompts from a set of " + promptCount());
        }
        int[] chosen = Arrays.copyOf(shuffledPrompts(seed), count);
        Arrays.sort(chosen);
        return selectPrompts(chosen);
    }

    private int[] shuffledPrompts(long seed) {
        int[] order = new int[promptOrder.length];
        Arrays.setAll(order, i -> i);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A Tablesaw view of the candidates (without features): prompt_id, prompt, completion, reward. */
    public Table table() {
        IntColumn row = IntColumn.create("row", size());
        for (int i = 0; i < size(); i++) {
            row.set(i, i);
        }
        return Table.create("samples", row,
                StringColumn.create("prompt_id", promptIds),
                StringColumn.create("prompt", nullsToEmpty(prompts)),
                StringColumn.create("completion", nullsToEmpty(completions)),
                DoubleColumn.create("reward", rewards));
    }

    private static String[] nullsToEmpty(String[] column) {
        return Arrays.stream(column).map(s -> s == null ? "" : s).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return String.format("SampleSet[%d prompts, %d samples, dim %d, mean reward %.4f%s]",
                promptCount(), size(), dim(), meanReward(), pairs.isEmpty() ? "" : ", " + pairs.size() + " pairs");
    }

    /** A train/test split by prompt. */
    public record Split(SampleSet train, SampleSet test) {
    }

    /** Collects samples one at a time into a growable contiguous feature store. */
    public static final class Builder {
        private final int dim;
        private final List<String> promptIds = new ArrayList<>();
        private final List<String> prompts = new ArrayList<>();
        private final List<String> completions = new ArrayList<>();
        private final List<PreferencePair> pairs = new ArrayList<>();
        private double[] rewards = new double[16];
        private float[] features;

        private Builder(int dim) {
            FeatureMatrix.checkShape(0, dim, "SampleSet.builder");
            this.dim = dim;
            this.features = new float[16 * dim];
        }

        /** Adds one candidate and returns its row index. */
        public int add(String promptId, String prompt, String completion, double reward, float[] feature) {
            int row = promptIds.size();
            if (feature.length != dim) {
                throw new IllegalArgumentException("sample " + row + " has " + feature.length
                        + " features, expected " + dim);
            }
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(feature[j])) {
                    throw new IllegalArgumentException("sample " + row + " (prompt " + promptId + ") has feature "
                            + feature[j] + " at column " + j + " (features must be finite)");
                }
            }
            FeatureMatrix.checkShape(row + 1L, dim, "SampleSet.builder");
            if (row == rewards.length) {
                int capacity = (int) Math.min(2L * row, FeatureMatrix.MAX_ELEMENTS / dim);
                rewards = Arrays.copyOf(rewards, capacity);
                features = Arrays.copyOf(features, capacity * dim);
            }
            promptIds.add(promptId);
            prompts.add(prompt);
            completions.add(completion);
            rewards[row] = reward;
            System.arraycopy(feature, 0, features, row * dim, dim);
            return row;
        }

        /** Adds one candidate with only a prompt id, a reward and features. */
        public int add(String promptId, double reward, float[] feature) {
            return add(promptId, null, null, reward, feature);
        }

        /** Records that row {@code chosen} is preferred over row {@code rejected}. */
        public Builder prefer(int chosen, int rejected) {
            pairs.add(new PreferencePair(chosen, rejected));
            return this;
        }

        public SampleSet build() {
            int n = promptIds.size();
            FeatureMatrix matrix = FeatureMatrix.wrap(Arrays.copyOf(features, n * dim), n, dim, "SampleSet.builder");
            return SampleSet.of(promptIds.toArray(String[]::new), prompts.toArray(String[]::new),
                    completions.toArray(String[]::new), Arrays.copyOf(rewards, n), matrix, pairs,
                    "SampleSet.builder");
        }
    }
}
