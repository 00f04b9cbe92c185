package dev.qprobe.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.HalfFloats;
import dev.qprobe.data.SampleSet;
import dev.qprobe.io.Npy;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.model.Completion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's features exported as shards that map and load back as they went in. */
class FeatureExportTest {
    private static final CacheKey KEY = CacheKey.of("test", "export", "k", "5");

    @TempDir
    Path dir;

    @Test
    void exportsShardsAndSamplesThatLoadBack() throws Exception {
        int k = 5;
        int d = 6;
        List<String> prompts = List.of("p0", "p1", "p2");
        float[][][] features = new float[prompts.size()][][];
        try (SampleCache cache = SampleCache.open(dir.resolve("cache"), KEY)) {
            SplittableRandom rng = new SplittableRandom(4);
            for (int p = 0; p < prompts.size(); p++) {
                List<Completion> completions = new ArrayList<>();
                double[] rewards = new double[k];
                features[p] = new float[k][d];
                for (int i = 0; i < k; i++) {
                    completions.add(new Completion("answer " + p + "," + i, 3, true));
                    rewards[i] = i % 2;
                    for (int j = 0; j < d; j++) {
                        features[p][i][j] = (float) rng.nextGaussian();
                    }
                }
                cache.putSamples(prompts.get(p), completions, rewards);
                cache.putFeatures(prompts.get(p), "emb", features[p]);
            }
            for (FeaturePrecision precision : new FeaturePrecision[] {FeaturePrecision.F32, FeaturePrecision.BF16}) {
                Path out = dir.resolve("out-" + precision);
                SampleSet set = FeatureExport.export(cache, "emb", prompts, out, precision, 4);
                assertEquals(4, Npy.shards(out).size());
                assertEquals(15, set.size());
                assertTrue(set.features().store().mapped());
                SampleSet loaded = SampleSetIO.load(out, FeaturePrecision.F32, out.resolve("samples.csv"), null);
                for (int row = 0; row < 15; row++) {
                    int p = row / k;
                    int i = row % k;
                    assertEquals(prompts.get(p), loaded.promptId(row));
                    assertEquals("answer " + p + "," + i, loaded.completion(row));
                    assertEquals(i % 2, loaded.reward(row));
                    for (int j = 0; j < d; j++) {
                        float x = features[p][i][j];
                        float expected = precision == FeaturePrecision.F32 ? x
                                : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
                        assertEquals(expected, loaded.features().get(row, j), "row " + row + " col " + j);
                    }
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FeatureExport.export(cache, "other", prompts, dir.resolve("bad"), FeaturePrecision.F32, 4));
            assertTrue(e.getMessage().contains("\"p0\" has no features from \"other\""), e.getMessage());
        }
    }
}
