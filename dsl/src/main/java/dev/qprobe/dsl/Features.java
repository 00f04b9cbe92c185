package dev.qprobe.dsl;

import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.SampleSet;
import dev.qprobe.eval.EvaluationGrid;
import dev.qprobe.probe.Backend;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.Provenance;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingListener;
import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Samples with a feature vector each, split by prompt into train and test: drawn and embedded
 * here ({@link Samples#embed}), or brought in ({@link QProbe#features(String, SampleSet, SampleSet)}).
 */
public final class Features {
    /** Null for features brought in: they were not drawn here. */
    private final Samples samples;
    /** What the features are, for {@link #toString()}: "Embed.hidden(-1)" or "brought in". */
    private final String source;
    private final String embedderId;
    private final SampleSet train;
    private final SampleSet test;
    /** The backend probes train on, overriding the trainer config's; null: the config decides. */
    private final Backend backend;
    /** Fingerprints of train and test, computed once when the first probe is trained. */
    private Provenance.Data trainData;
    private Provenance.Data testData;

    Features(Samples samples, String source, String embedderId, SampleSet train, SampleSet test) {
        this(samples, source, embedderId, train, test, null);
    }

    private Features(Samples samples, String source, String embedderId, SampleSet train, SampleSet test,
                     Backend backend) {
        this.samples = samples;
        this.source = source;
        this.embedderId = embedderId;
        this.train = train;
        this.test = test;
        this.backend = backend;
    }

    /** The same features, with probes trained on {@code backend}: {@code on(Backend.djl("gpu(0)")).probe(...)}. */
    public Features on(Backend backend) {
        return new Features(samples, source, embedderId, train, test, Objects.requireNonNull(backend, "backend"));
    }

    /** Features brought in: see {@link QProbe#features(String, SampleSet, SampleSet)}. */
    static Features broughtIn(String source, SampleSet train, SampleSet test) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("say where the features come from, e.g. \"features.npy\"");
        }
        java.util.Objects.requireNonNull(train, "train");
        java.util.Objects.requireNonNull(test, "test");
        if (train.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException("features from " + source + ": the " + (train.size() == 0 ? "train"
                    : "test") + " set is empty");
        }
        if (train.dim() != test.dim()) {
            throw new IllegalArgumentException("features from " + source + ": train has " + train.dim()
                    + " dims but test has " + test.dim());
        }
        java.util.Set<String> trainIds = new java.util.HashSet<>(train.promptIds());
        for (String id : test.promptIds()) {
            if (trainIds.contains(id)) {
                throw new IllegalArgumentException("features from " + source + ": prompt " + id + " is in both "
                        + "train and test; split by prompt (SampleSet.splitByPrompt) so that test prompts are unseen");
            }
        }
        return new Features(null, "brought in", source, train, test);
    }

    /**
     * The samples these features embed.
     *
     * @throws IllegalStateException for features brought in with {@link QProbe#features}, which were not drawn here
     */
    public Samples samples() {
        if (samples == null) {
            throw new IllegalStateException("these features were brought in (" + embedderId + "), not drawn with "
                    + "sample(): there are no Samples; use train() and test()");
        }
        return samples;
    }

    /** True when these features were drawn with {@code sample()} and {@code embed()} here, not brought in. */
    public boolean drawnHere() {
        return samples != null;
    }

    /** The fewest candidates any test prompt has: the largest k selection can be evaluated at. */
    public int candidatesPerPrompt() {
        int fewest = Integer.MAX_VALUE;
        for (int p = 0; p < test.promptCount(); p++) {
            fewest = Math.min(fewest, test.rowsOfPrompt(p).length);
        }
        return fewest;
    }

    public SampleSet train() {
        return train;
    }

    public SampleSet test() {
        return test;
    }

    /** The feature source, e.g. "builtin-gpt@.../hidden(layer=-1,last)". */
    public String embedderId() {
        return embedderId;
    }

    /**
     * The same features with only {@code count} training prompts (a seeded choice): the
     * data-limited regime. The test prompts stay the same.
     */
    public Features withTrainPrompts(int count, long seed) {
        return new Features(samples, source, embedderId, train.samplePrompts(count, seed), test, backend);
    }

    /**
     * The same features held with {@code precision} for training and scoring: {@code BF16} halves
     * the memory and the bytes each epoch reads, and loses nothing for features that came from a
     * bfloat16 model.
     */
    public Features withFeaturePrecision(FeaturePrecision precision) {
        return new Features(samples, source, embedderId,
                train.withFeatures(train.features().withPrecision(precision)),
                test.withFeatures(test.features().withPrecision(precision)), backend);
    }

    /** One linear probe per objective, trained with {@link Defaults#TRAINING}. */
    public Probes probe(Objective... objectives) {
        return probe(Defaults.PROBE, Defaults.TRAINING, objectives);
    }

    /**
     * One probe of architecture {@code spec} per objective, trained with {@code config}; each
     * training reports its epochs to {@link DefaultProgress}.
     */
    public Probes probe(ProbeSpec spec, TrainerConfig config, Objective... objectives) {
        return train(spec, config, null, objectives);
    }

    /**
     * As {@link #probe(ProbeSpec, TrainerConfig, Objective...)}, reporting each epoch to
     * {@code listener} instead ({@link TrainingListener#NONE} for silence).
     */
    public Probes probe(ProbeSpec spec, TrainerConfig config, TrainingListener listener, Objective... objectives) {
        return train(spec, config, Objects.requireNonNull(listener, "listener"), objectives);
    }

    /**
     * Checks that every objective suits the training data, and that no objective is named twice,
     * before any probe trains: a late objective that cannot train must not cost the earlier ones.
     *
     * @throws IllegalArgumentException naming the first objective that cannot train, and why
     */
    public void checkObjectives(Objective... objectives) {
        if (objectives.length == 0) {
            throw new IllegalArgumentException("name at least one objective, e.g. probe(Objective.PG, Objective.MSE)");
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Objective objective : objectives) {
            if (!ids.add(objective.id())) {
                throw new IllegalArgumentException("objective " + objective.name() + " is named twice");
            }
            objective.validate(train);
        }
    }

    /**
     * The evaluation grid for {@code betas} at {@code ks}, checked against these features: every k
     * at most the fewest candidates of a test prompt.
     *
     * @throws IllegalArgumentException for a k the test prompts cannot supply
     */
    public EvaluationGrid grid(Beta betas, int... ks) {
        int drawn = candidatesPerPrompt();
        for (int k : ks) {
            if (k > drawn) {
                throw new IllegalArgumentException(drawnHere()
                        ? "k = " + k + " exceeds the " + drawn + " samples drawn per prompt: sample(" + k
                                + ", ...) to evaluate it, or choose k <= " + drawn
                        : "k = " + k + " exceeds the " + drawn + " candidates of the smallest test prompt: choose k <= "
                                + drawn);
            }
        }
        return Defaults.grid(betas, ks);
    }

    /** Trains one probe per objective; a null listener means the default's, one stage per probe. */
    private Probes train(ProbeSpec spec, TrainerConfig settings, TrainingListener listener, Objective... objectives) {
        checkObjectives(objectives);
        TrainerConfig config = backend != null ? settings.withBackend(backend) : settings;
        List<TrainingResult> trained = new ArrayList<>();
        for (Objective objective : objectives) {
            TrainingListener epochs = listener != null ? listener
                    : DefaultProgress.training(objective.name(), config.epochs());
            TrainingResult t = new Trainer(config).train(train, spec, objective, epochs);
            Probe probe = t.probe().withProvenance(provenance(t.probe().provenance()));
            trained.add(new TrainingResult(probe, t.objective(), t.config(), t.backend(), t.lossCurve(), t.seconds()));
        }
        return new Probes(this, spec, config, trained);
    }

    /** A trainer's provenance completed with where these features came from and fingerprints of the data. */
    private Provenance provenance(Provenance trained) {
        Provenance p = drawnHere()
                ? trained.withOrigin(samples.experiment().task().name(), samples.experiment().model().id(),
                        samples.config(), embedderId)
                : trained.withOrigin(null, null, null, embedderId);
        return p.withTrain(trainData()).withTest(testData());
    }

    private synchronized Provenance.Data trainData() {
        if (trainData == null) {
            trainData = Provenance.Data.of(train);
        }
        return trainData;
    }

    private synchronized Provenance.Data testData() {
        if (testData == null) {
            testData = Provenance.Data.of(test);
        }
        return testData;
    }

    @Override
    public String toString() {
        return "Features[" + source + " = " + embedderId + ", " + train.dim() + " dims; train " + train.promptCount()
                + " prompts / " + train.size() + " samples, test " + test.promptCount() + " prompts / " + test.size()
                + " samples]";
    }
}
