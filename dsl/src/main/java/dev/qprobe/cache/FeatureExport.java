package dev.qprobe.cache;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.PromptSamples;
import dev.qprobe.data.SampleSet;
import dev.qprobe.io.Npy;
import dev.qprobe.io.SampleMetadata;
import dev.qprobe.model.Completion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the features a {@link SampleCache} holds as {@code .npy} shards that
 * {@code qprobe train --features DIR} and {@link Npy#map} read in place: {@code features-00000.npy,
 * features-00001.npy, ...} of at most a given number of rows each, plus {@code samples.csv} with
 * each row's prompt id, completion and reward. Only one shard's rows are in the heap at a time,
 * so a cache of any size exports. Uses the cache's public API only.
 */
public final class FeatureExport {
    private FeatureExport() {
    }

    /**
     * Exports the samples and features (from {@code sourceId}) of {@code promptIds}, in that order,
     * into {@code directory}, values stored as {@code precision}.
     *
     * @return the exported set, its features mapped from the shards just written
     * @throws IllegalArgumentException naming the prompt, when one has no samples or no features
     *                                  from {@code sourceId}, or its feature count or dim disagrees
     */
    public static SampleSet export(SampleCache cache, String sourceId, List<String> promptIds, Path directory,
                                   FeaturePrecision precision, int rowsPerShard) throws IOException {
        if (rowsPerShard < 1) {
            throw new IllegalArgumentException("rowsPerShard must be at least 1, got " + rowsPerShard);
        }
        Files.createDirectories(directory);
        List<String> ids = new ArrayList<>();
        List<String> completions = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        List<Path> shards = new ArrayList<>();
        float[] shard = null;
        int dim = -1;
        int inShard = 0;
        for (String promptId : promptIds) {
            PromptSamples samples = cache.samples(promptId).orElseThrow(() -> new IllegalArgumentException(
                    "prompt \"" + promptId + "\" has no samples in " + cache));
            float[][] features = cache.features(promptId, sourceId).orElseThrow(() -> new IllegalArgumentException(
                    "prompt \"" + promptId + "\" has no features from \"" + sourceId + "\" in " + cache));
            if (features.length != samples.size()) {
                throw new IllegalArgumentException("prompt \"" + promptId + "\" has " + samples.size()
                        + " samples but " + features.length + " feature rows from \"" + sourceId + "\"");
            }
            double[] r = samples.rewards();
            for (int i = 0; i < features.length; i++) {
                if (dim < 0) {
                    dim = features[i].length;
                    shard = new float[Math.multiplyExact(rowsPerShard, dim)];
                } else if (features[i].length != dim) {
                    throw new IllegalArgumentException("prompt \"" + promptId + "\" row " + i + " has "
                            + features[i].length + " features, earlier rows " + dim);
                }
                System.arraycopy(features[i], 0, shard, inShard * dim, dim);
                Completion c = samples.completions().get(i);
                ids.add(promptId);
                completions.add(c.text());
                rewards.add(r[i]);
                if (++inShard == rowsPerShard) {
                    shards.add(writeShard(directory, shards.size(), shard, inShard, dim, precision));
                    inShard = 0;
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("nothing to export: no prompts given");
        }
        if (inShard > 0) {
            shards.add(writeShard(directory, shards.size(), shard, inShard, dim, precision));
        }
        SampleSet set = SampleSet.of(ids.toArray(String[]::new), null, completions.toArray(String[]::new),
                rewards.stream().mapToDouble(Double::doubleValue).toArray(), Npy.map(shards), List.of(),
                directory.toString());
        SampleMetadata.of(set).write(directory.resolve("samples.csv"));
        return set;
    }

    private static Path writeShard(Path directory, int index, float[] rows, int count, int dim,
                                   FeaturePrecision precision) throws IOException {
        Path file = directory.resolve(String.format("features-%05d.npy", index));
        float[] values = count * dim == rows.length ? rows : java.util.Arrays.copyOf(rows, count * dim);
        Npy.write(file, FeatureMatrix.wrap(values, count, dim, file.toString()), precision);
        return file;
    }
}
