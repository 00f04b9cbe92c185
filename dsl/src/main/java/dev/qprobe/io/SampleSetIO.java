package dev.qprobe.io;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.PreferencePair;
import dev.qprobe.data.SampleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads and saves a {@link SampleSet} as the files a Python pipeline produces: a {@code .npy}
 * feature array (row i = candidate i), a metadata file with one record per row, in the same order
 * ({@link SampleMetadata}), and optionally a preference-pairs file.
 *
 * <p>A pairs file is CSV or JSON lines with fields {@code chosen} and {@code rejected}: 0-based row
 * indices of two candidates of the same prompt, the first preferred.
 *
 * <p>Saving stages every file next to its target and moves them into place only after all were
 * written, so a failure leaves the old files untouched.
 */
public final class SampleSetIO {
    static final String CHOSEN = "chosen";
    static final String REJECTED = "rejected";

    private SampleSetIO() {
    }

    /**
     * Loads features and metadata (no preference pairs).
     *
     * @throws DataFormatException if a file is malformed or their row counts differ
     * @throws IOException         if a file cannot be read
     */
    public static SampleSet load(Path features, Path metadata) throws IOException {
        return load(features, metadata, null);
    }

    /**
     * Loads features, metadata and, when {@code pairs} is not null, preference pairs, checking that
     * the pairs' row indices exist and compare candidates of the same prompt.
     *
     * @throws DataFormatException if a file is malformed, the row counts differ or a pair is invalid
     * @throws IOException         if a file cannot be read
     */
    public static SampleSet load(Path features, Path metadata, Path pairs) throws IOException {
        return load(features, FeaturePrecision.F32, metadata, pairs);
    }

    /**
     * As {@link #load(Path, Path, Path)}, with the features opened by {@link FeatureFiles#open}: a
     * directory of shards or a file too large for the heap is mapped; heap features are stored as
     * {@code precision}.
     */
    public static SampleSet load(Path features, FeaturePrecision precision, Path metadata, Path pairs)
            throws IOException {
        // Small files first, so their mistakes show before a large feature array is read.
        SampleMetadata meta = SampleMetadata.read(metadata);
        List<PreferencePair> pairList = pairs == null ? List.of() : readPairs(pairs, meta.promptIdArray());
        FeatureMatrix matrix = FeatureFiles.open(features, precision);
        if (matrix.rows() != meta.size()) {
            throw new DataFormatException(features + " has " + matrix.rows() + " feature rows but " + metadata
                    + " has " + meta.size() + " metadata rows; they must describe the same samples, in order");
        }
        return SampleSet.of(meta.promptIdArray(), meta.promptArray(), meta.completionArray(), meta.rewardArray(),
                matrix, pairList, features + " + " + metadata);
    }

    /**
     * Reads a preference-pairs file. Indices are checked to be non-negative integers and not equal;
     * whether they exist is checked when the pairs meet a sample set.
     */
    public static List<PreferencePair> loadPairs(Path file) throws IOException {
        return readPairs(file, null);
    }

    /** Reads pairs, and checks them against the rows' prompt ids when those are given. */
    private static List<PreferencePair> readPairs(Path file, String[] promptIds) throws IOException {
        List<PreferencePair> pairs = new ArrayList<>();
        Tables.read(file, List.of(CHOSEN, REJECTED), row -> {
            int chosen = row.nonNegativeInt(CHOSEN);
            int rejected = row.nonNegativeInt(REJECTED);
            if (chosen == rejected) {
                throw row.fail("chosen and rejected are the same row " + chosen);
            }
            if (promptIds != null) {
                int max = Math.max(chosen, rejected);
                if (max >= promptIds.length) {
                    throw row.fail("row " + max + " does not exist: there are " + promptIds.length + " samples");
                }
                if (!promptIds[chosen].equals(promptIds[rejected])) {
                    throw row.fail("rows " + chosen + " and " + rejected + " belong to different prompts ('"
                            + promptIds[chosen] + "' and '" + promptIds[rejected] + "')");
                }
            }
            pairs.add(new PreferencePair(chosen, rejected));
        });
        return pairs;
    }

    /**
     * Saves features and metadata.
     *
     * @throws IllegalArgumentException if the set has preference pairs (use the four-argument
     *                                  overload, so they are not silently dropped)
     */
    public static void save(SampleSet set, Path features, Path metadata) throws IOException {
        if (!set.pairs().isEmpty()) {
            throw new IllegalArgumentException("the set has " + set.pairs().size() + " preference pairs; "
                    + "pass a pairs file to save(set, features, metadata, pairs) so they are not lost");
        }
        save(set, features, metadata, null);
    }

    /**
     * Saves features, metadata and, when {@code pairs} is not null, the set's preference pairs (an
     * empty file when it has none). All files are replaced together, only once all are written.
     */
    public static void save(SampleSet set, Path features, Path metadata, Path pairs) throws IOException {
        List<Path> targets = new ArrayList<>(List.of(features, metadata));
        if (pairs != null) {
            targets.add(pairs);
        }
        for (int i = 0; i < targets.size(); i++) {
            for (int j = i + 1; j < targets.size(); j++) {
                if (targets.get(i).toAbsolutePath().normalize().equals(targets.get(j).toAbsolutePath().normalize())) {
                    throw new IllegalArgumentException("cannot save two files to the same path " + targets.get(i));
                }
            }
        }
        // Check the extensions before writing anything.
        Tables.Format metaFormat = Tables.Format.of(metadata);
        Tables.Format pairsFormat = pairs == null ? null : Tables.Format.of(pairs);
        try (PendingFile npy = PendingFile.create(features);
             PendingFile meta = PendingFile.create(metadata);
             PendingFile pairFile = pairs == null ? null : PendingFile.create(pairs)) {
            Npy.writeTo(npy.path(), set.features());
            SampleMetadata.of(set).writeTo(meta.path(), metaFormat);
            if (pairFile != null) {
                writePairs(pairFile.path(), pairsFormat, set.pairs());
            }
            npy.commit();
            meta.commit();
            if (pairFile != null) {
                pairFile.commit();
            }
        }
    }

    /** Writes preference pairs as CSV or JSON lines (by extension), replacing the file once written. */
    public static void savePairs(List<PreferencePair> pairs, Path file) throws IOException {
        Tables.Format format = Tables.Format.of(file);
        try (PendingFile pending = PendingFile.create(file)) {
            writePairs(pending.path(), format, pairs);
            pending.commit();
        }
    }

    private static void writePairs(Path out, Tables.Format format, List<PreferencePair> pairs) throws IOException {
        Tables.write(out, format, List.of(CHOSEN, REJECTED), pairs.size(), (row, column) ->
                column.equals(CHOSEN) ? pairs.get(row).chosen() : pairs.get(row).rejected());
    }
}
