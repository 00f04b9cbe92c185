package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** Helpers the objectives share: grouping rows, shuffling, and numerically stable link functions. */
final class Plans {
    /** Rows per group for objectives whose loss is per sample: enough to amortise the call, small enough to stay in cache. */
    static final int BLOCK = 8;

    private Plans() {
    }

    static void requireNonEmpty(SampleSet train, String objective) {
        if (train.size() == 0) {
            throw new IllegalArgumentException(objective + " cannot train on an empty sample set");
        }
    }

    /** Each prompt's rows in blocks of at most {@link #BLOCK}. */
    static int[][] blocksWithinPrompts(SampleSet train) {
        List<int[]> blocks = new ArrayList<>();
        for (int p = 0; p < train.promptCount(); p++) {
            int[] rows = train.rowsOfPrompt(p);
            for (int at = 0; at < rows.length; at += BLOCK) {
                blocks.add(java.util.Arrays.copyOfRange(rows, at, Math.min(rows.length, at + BLOCK)));
            }
        }
        return blocks.toArray(int[][]::new);
    }

    /** Every row of each group its own unit. */
    static int[][][] singleRowUnits(int[][] groups) {
        int[][][] units = new int[groups.length][][];
        for (int g = 0; g < groups.length; g++) {
            units[g] = new int[groups[g].length][];
            for (int i = 0; i < groups[g].length; i++) {
                units[g][i] = new int[] {i};
            }
        }
        return units;
    }

    /** Fisher-Yates shuffle in place. */
    static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
