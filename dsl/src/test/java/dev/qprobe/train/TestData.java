package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import java.util.SplittableRandom;

/** Small random sample sets with mixed 0/1 rewards in every prompt. */
final class TestData {
    private TestData() {
    }

    static SampleSet small(int prompts, int candidates, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        SampleSet.Builder b = SampleSet.builder(dim);
        for (int p = 0; p < prompts; p++) {
            for (int c = 0; c < candidates; c++) {
                float[] x = new float[dim];
                for (int j = 0; j < dim; j++) {
                    x[j] = (float) (rng.nextGaussian() + j * 0.1);
                }
                b.add("p" + p, c % 3 == 0 ? 1.0 : 0.0, x);
            }
        }
        return b.build();
    }
}
