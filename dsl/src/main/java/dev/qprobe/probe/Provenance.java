package dev.qprobe.probe;

import dev.qprobe.Version;
import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.PreferencePair;
import dev.qprobe.data.SampleSet;
import dev.qprobe.model.SamplingConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How a probe was made: where its data came from, how it was trained, by which library version,
 * and fingerprints of the exact train and test data. Every {@link Probe} carries one and
 * {@link ProbeFile} saves it, so a probe file alone says how it was made.
 *
 * <p>The objective and the trainer settings are kept in their printed forms ({@code
 * Objective.name()}, which {@code Objective.parse} reads back, and {@code TrainerConfig.toString()}):
 * their types live in {@code dev.qprobe.train}, which builds on this package, so holding them here
 * would make the two packages depend on each other.
 *
 * @param task      the task's name; null for features brought in from elsewhere
 * @param model     the sampling model's id; null for features brought in
 * @param sampling  how the candidates were drawn; null for features brought in
 * @param features  the feature source: an embedder's id, or where brought-in features came from
 * @param probe     the probe's architecture
 * @param objective the training objective's label, e.g. "PG(k=10,T=0.1)"
 * @param trainer   the trainer's settings as {@code TrainerConfig} prints them
 * @param seed      the trainer's seed (initialisation, PG chunks, batch order)
 * @param library   "qprobe VERSION"; null only for {@link #unrecorded()}
 * @param train     the data the probe was trained on; null if not recorded
 * @param test      the data it was evaluated on; null if not recorded or not evaluated
 */
public record Provenance(String task, String model, SamplingConfig sampling, String features, ProbeSpec probe,
                         String objective, String trainer, long seed, String library, Data train, Data test) {

    /**
     * A fingerprint of a sample set: its size and a SHA-256 over prompt ids, rewards, features
     * (as little-endian float32) and preference pairs, in row order.
     */
    public record Data(int prompts, int samples, int dim, String sha256) {
        public Data {
            Objects.requireNonNull(sha256, "sha256");
        }

        /** Hashes {@code set} (one pass over its features). */
        public static Data of(SampleSet set) {
            MessageDigest digest = newDigest();
            FeatureMatrix x = set.features();
            ByteBuffer row = ByteBuffer.allocate(x.dim() * Float.BYTES + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < set.size(); r++) {
                digest.update(set.promptId(r).getBytes(StandardCharsets.UTF_8));
                row.clear();
                row.putLong(Double.doubleToLongBits(set.reward(r)));
                for (float f : x.row(r)) {
                    row.putFloat(f);
                }
                row.flip();
                digest.update(row);
            }
            ByteBuffer pair = ByteBuffer.allocate(2 * Integer.BYTES);
            for (PreferencePair p : set.pairs()) {
                pair.clear();
                digest.update(pair.putInt(p.chosen()).putInt(p.rejected()).flip());
            }
            return new Data(set.promptCount(), set.size(), set.dim(), HexFormat.of().formatHex(digest.digest()));
        }

        private static MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM lacks SHA-256, which every Java platform must have", e);
            }
        }
    }

    public Provenance {
        Objects.requireNonNull(probe, "probe");
    }

    /**
     * What a trainer knows about a probe it made: architecture, objective, settings and data. The
     * origin of the data (task, model, sampling, features) is added by whoever drew it, with
     * {@link #withOrigin}.
     */
    public static Provenance ofTraining(ProbeSpec probe, String objective, String trainer, long seed, Data train) {
        return new Provenance(null, null, null, null, probe, objective, trainer, seed, "qprobe " + Version.get(),
                train, null);
    }

    /** For a probe built from bare parameters, or read from a file that predates provenance. */
    public static Provenance unrecorded(ProbeSpec probe) {
        return new Provenance(null, null, null, null, probe, null, null, 0, null, null, null);
    }

    /** False for {@link #unrecorded()}: nothing is known of how the probe was made. */
    public boolean isRecorded() {
        return library != null;
    }

    /** This provenance with the data's origin: drawn here (task, model, sampling) or brought in (all but features null). */
    public Provenance withOrigin(String task, String model, SamplingConfig sampling, String features) {
        return new Provenance(task, model, sampling, features, probe, objective, trainer, seed, library, train, test);
    }

    /** This provenance with the fingerprint of the train data. */
    public Provenance withTrain(Data data) {
        return new Provenance(task, model, sampling, features, probe, objective, trainer, seed, library, data, test);
    }

    /** This provenance with the fingerprint of the test data. */
    public Provenance withTest(Data data) {
        return new Provenance(task, model, sampling, features, probe, objective, trainer, seed, library, train, data);
    }
}
