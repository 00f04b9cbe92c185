package dev.qprobe.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qprobe.data.PromptSamples;
import dev.qprobe.model.Completion;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Cache contents derived from the prompt id alone, so that any record read back can be checked. */
final class Fixtures {
    private Fixtures() {
    }

    static List<Completion> completions(String promptId, int k) {
        List<Completion> list = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            String text = switch (i % 4) {
                case 0 -> promptId + " answer " + i;
                case 1 -> "two\nlines\r\n\t\"quoted\" ünïcödé ☃ 😀 " + promptId;
                case 2 -> "";
                default -> "lone surrogate \uD800 and NUL \0 in " + promptId;
            };
            list.add(new Completion(text, 3 * i + promptId.length(), i % 2 == 0));
        }
        return list;
    }

    static double[] rewards(String promptId, int k) {
        double[] special = {-0.0, Double.MIN_VALUE, Math.PI / 3, -Double.MAX_VALUE, 1.0, 0.0};
        SplittableRandom random = new SplittableRandom(promptId.hashCode());
        double[] rewards = new double[k];
        for (int i = 0; i < k; i++) {
            rewards[i] = i < special.length ? special[(i + promptId.length()) % special.length] : random.nextDouble(-5, 5);
        }
        return rewards;
    }

    static float[][] features(String promptId, String sourceId, int k, int d) {
        SplittableRandom random = new SplittableRandom(31L * promptId.hashCode() + sourceId.hashCode());
        float[][] features = new float[k][d];
        for (float[] row : features) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        features[0][0] = -0.0f;
        if (d > 1) {
            features[0][1] = Float.MIN_VALUE;
        }
        return features;
    }

    static PromptSamples samples(String promptId, int k) {
        return new PromptSamples(completions(promptId, k), rewards(promptId, k));
    }

    static void put(SampleCache cache, String promptId, int k) throws Exception {
        cache.putSamples(promptId, completions(promptId, k), rewards(promptId, k));
    }

    /** Bit-exact comparison: -0.0 and 0.0 differ, as do NaNs with different payloads. */
    static void assertSameSamples(PromptSamples expected, PromptSamples actual) {
        assertEquals(expected.completions(), actual.completions());
        double[] e = expected.rewards();
        double[] a = actual.rewards();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), "reward " + i);
        }
    }

    static void assertSameFeatures(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, "columns of row " + i);
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(Float.floatToRawIntBits(expected[i][j]), Float.floatToRawIntBits(actual[i][j]),
                        "feature [" + i + "][" + j + "]");
            }
        }
    }
}
