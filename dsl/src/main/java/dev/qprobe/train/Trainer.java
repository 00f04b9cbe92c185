package dev.qprobe.train;

import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeBackend;
import dev.qprobe.probe.ProbeBackends;
import dev.qprobe.probe.ProbeComputation;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.probe.ProbeTraining;
import dev.qprobe.probe.Provenance;
import dev.qprobe.probe.Standardizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Trains a probe for an objective with AdamW. The same seed and data give bit-identical weights:
 * every random choice comes from the seed and every sum is taken in a fixed order.
 */
public final class Trainer {
    private final TrainerConfig config;
    private final ProbeBackend backend;

    /** Trains on the backend {@link TrainerConfig#backend()} names (resolved when training starts). */
    public Trainer(TrainerConfig config) {
        this.config = config;
        this.backend = null;
    }

    /** Trains on {@code backend} whatever the config names, e.g. a backend made for a benchmark. */
    public Trainer(TrainerConfig config, ProbeBackend backend) {
        this.config = config;
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    public TrainerConfig config() {
        return config;
    }

    public TrainingResult train(SampleSet train, ProbeSpec spec, Objective objective) {
        return train(train, spec, objective, TrainingListener.NONE);
    }

    /**
     * Trains a new probe of architecture {@code spec} on {@code train}.
     *
     * @throws IllegalArgumentException when the data does not suit the objective
     * @throws ArithmeticException      when the loss becomes NaN or infinite (learning rate too high)
     * @throws CancellationException    when the thread is interrupted (checked between steps)
     */
    public TrainingResult train(SampleSet train, ProbeSpec spec, Objective objective, TrainingListener listener) {
        return train(train, null, spec, objective, listener);
    }

    /**
     * As {@link #train(SampleSet, ProbeSpec, Objective, TrainingListener)}, and after each epoch
     * also measures the objective's loss on {@code heldOut} (samples of other prompts, never
     * trained on; PG's chunks there are drawn once, so the curve moves only with the probe).
     * The result's {@link TrainingResult#convergenceWarning()} says when either loss was still
     * falling at the end; front ends print it.
     *
     * @param heldOut held-out samples, or null for none
     */
    public TrainingResult train(SampleSet train, SampleSet heldOut, ProbeSpec spec, Objective objective,
                                TrainingListener listener) {
        long start = System.nanoTime();
        objective.validate(train);
        if (heldOut != null) {
            objective.validate(heldOut);
            if (heldOut.dim() != train.dim()) {
                throw new IllegalArgumentException("held-out samples have " + heldOut.dim()
                        + " features but the training samples have " + train.dim());
            }
        }
        Standardizer standardizer = config.standardize()
                ? Standardizer.fit(train.features()) : Standardizer.identity(train.dim());
        SplittableRandom rng = new SplittableRandom(config.seed());
        float[] params = spec.initialParameters(train.dim(), rng.split());
        SplittableRandom epochRng = rng.split();
        double[] curve = new double[config.epochs()];
        double[] heldOutCurve = new double[heldOut == null ? 0 : config.epochs()];
        ProbeBackend used = backend();
        try (ProbeTraining training = used.train(spec, train.features(), standardizer, params, config.adamW());
             HeldOutLoss check = heldOut == null ? null
                     : new HeldOutLoss(used.open(spec, heldOut.features(), standardizer),
                             objective.plan(heldOut, new SplittableRandom(config.seed() ^ 0x5DEECE66DL)),
                             params.length)) {
            EpochPlan plan = null;
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                if (plan == null || objective.reshufflesEachEpoch()) {
                    plan = objective.plan(train, epochRng);
                }
                double loss = 0;
                long units = 0;
                for (int[] batch : batches(plan, epochRng)) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CancellationException("training " + objective.name() + " interrupted at epoch "
                                + (epoch + 1) + " of " + config.epochs());
                    }
                    loss += training.step(plan, batch);
                    for (int g : batch) {
                        units += plan.unitCount(g);
                    }
                }
                curve[epoch] = loss / units;
                if (!Double.isFinite(curve[epoch])) {
                    throw new ArithmeticException(Divergence.advice(objective, curve[epoch], epoch + 1, train, config));
                }
                if (check != null) {
                    heldOutCurve[epoch] = check.loss(training.parameters());
                }
                listener.onEpoch(epoch + 1, config.epochs(), curve[epoch]);
            }
            params = training.parameters();
        }
        Probe probe = new Probe(spec, params, standardizer, Provenance.ofTraining(spec, objective.name(),
                config.toString(), config.seed(), null));
        // Whether training converged is the result's to say (convergenceWarning(), toString()): front ends print it.
        return new TrainingResult(probe, objective, config, used.name(), curve,
                heldOutCurve, (System.nanoTime() - start) / 1e9);
    }

    /** The objective's mean loss on held-out samples, with one fixed grouping of them. */
    private static final class HeldOutLoss implements AutoCloseable {
        private final ProbeComputation computation;
        private final EpochPlan plan;
        private final int[] all;
        private final double[] scratch;
        private final long units;

        HeldOutLoss(ProbeComputation computation, EpochPlan plan, int parameters) {
            this.computation = computation;
            this.plan = plan;
            this.all = java.util.stream.IntStream.range(0, plan.groupCount()).toArray();
            this.scratch = new double[parameters];
            long u = 0;
            for (int g : all) {
                u += plan.unitCount(g);
            }
            this.units = u;
        }

        double loss(float[] params) {
            java.util.Arrays.fill(scratch, 0);
            return computation.lossAndGradient(params, plan, all, scratch) / units;
        }

        @Override
        public void close() {
            computation.close();
        }
    }

    /** The backend given to the constructor, else the one the config names. */
    public ProbeBackend backend() {
        return backend != null ? backend : ProbeBackends.resolve(config.backend());
    }

    /** Group indices per optimizer step: all groups, or shuffled groups filled up to the batch size. */
    private List<int[]> batches(EpochPlan plan, SplittableRandom rng) {
        int groups = plan.groupCount();
        int[] order = new int[groups];
        for (int i = 0; i < groups; i++) {
            order[i] = i;
        }
        if (config.batchSize() == 0) {
            return List.of(order);
        }
        Plans.shuffle(order, rng);
        List<int[]> batches = new ArrayList<>();
        int from = 0;
        int rows = 0;
        for (int i = 0; i < groups; i++) {
            rows += plan.rows(order[i]).length;
            if (rows >= config.batchSize() || i == groups - 1) {
                batches.add(java.util.Arrays.copyOfRange(order, from, i + 1));
                from = i + 1;
                rows = 0;
            }
        }
        return batches;
    }
}
