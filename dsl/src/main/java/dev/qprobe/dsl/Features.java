package dev.qprobe.dsl;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingListener;
import dev.qprobe.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Samples with a feature vector each, split by prompt into train and test. */
public final class Features {
    private final Samples samples;
    private final Embed source;
    private final String embedderId;
    private final SampleSet train;
    private final SampleSet test;

    Features(Samples samples, Embed source, String embedderId, SampleSet train, SampleSet test) {
        this.samples = samples;
        this.source = source;
        this.embedderId = embedderId;
        this.train = train;
        this.test = test;
    }

    public Samples samples() {
        return samples;
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
        return new Features(samples, source, embedderId, train.samplePrompts(count, seed), test);
    }

    /** One linear probe per objective, trained with the default settings (AdamW, 150 epochs, lr 3e-3). */
    public Probes probe(Objective... objectives) {
        return probe(ProbeSpec.linear(), defaultTraining(), objectives);
    }

    /** The DSL's training defaults: {@link TrainerConfig#defaults()} with learning rate 3e-3. */
    public static TrainerConfig defaultTraining() {
        return TrainerConfig.defaults().withLearningRate(3e-3);
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

    /** Trains one probe per objective; a null listener means the default's, one stage per probe. */
    private Probes train(ProbeSpec spec, TrainerConfig config, TrainingListener listener, Objective... objectives) {
        if (objectives.length == 0) {
            throw new IllegalArgumentException("name at least one objective, e.g. probe(Objective.PG, Objective.MSE)");
        }
        List<TrainingResult> trained = new ArrayList<>();
        for (Objective objective : objectives) {
            TrainingListener epochs = listener != null ? listener
                    : DefaultProgress.training(objective.name(), config.epochs());
            trained.add(new Trainer(config).train(train, spec, objective, epochs));
        }
        return new Probes(this, spec, config, trained);
    }

    /** Not yet: selection needs trained probes. */
    public Results select(Beta betas) {
        throw new IllegalStateException("select() needs trained probes: call probe(Objective.PG, ...) first");
    }

    @Override
    public String toString() {
        return "Features[" + source + " = " + embedderId + ", " + train.dim() + " dims; train " + train.promptCount()
                + " prompts / " + train.size() + " samples, test " + test.promptCount() + " prompts / " + test.size()
                + " samples]";
    }
}
