package dev.qprobe.probe.cpu;

import dev.qprobe.data.FeatureMatrix;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The ceiling for an epoch: a SIMD sum over every row of a feature matrix, read from its own
 * store (float32, float16 or bfloat16; heap or mapped) with the same loads and on the same
 * threads as the training kernel. An epoch cannot read the same bytes faster than this.
 */
public final class ReadBandwidth {
    private ReadBandwidth() {
    }

    /** GB/s of {@code runs} sums over all rows (after three untimed warm-up runs), sorted ascending. */
    public static double[] measure(FeatureMatrix features, int runs) {
        FeatureRows rows = FeatureRows.of(features);
        int n = features.rows();
        int parts = Math.min(n, Runtime.getRuntime().availableProcessors() * 4);
        int[][] handles = new int[parts][];
        for (int p = 0; p < parts; p++) {
            handles[p] = rows.handles(IntStream.range((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts))
                    .toArray());
        }
        double[] rates = new double[runs];
        double sink = 0;
        for (int rep = -3; rep < runs; rep++) {
            long t = System.nanoTime();
            sink += IntStream.range(0, parts).parallel().mapToDouble(p -> {
                float s = 0;
                for (int h : handles[p]) {
                    s += rows.sum(h);
                }
                return s;
            }).sum();
            if (rep >= 0) {
                rates[rep] = features.bytes() / 1e9 / ((System.nanoTime() - t) / 1e9);
            }
        }
        if (sink == 12345.678) {
            System.out.print("");  // keeps the sums observable so the JIT cannot drop them
        }
        Arrays.sort(rates);
        return rates;
    }

    /** What the kernel reads for {@code features}: "f32 array, simd(512-bit)", "f16 mapped buffers, ...". */
    public static String kernelOf(FeatureMatrix features) {
        return FeatureRows.of(features).describe();
    }
}
