package dev.qprobe.io;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import dev.qprobe.probe.ProbeSpec;
import dev.qprobe.train.Objective;
import dev.qprobe.train.Trainer;
import dev.qprobe.train.TrainerConfig;
import dev.qprobe.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains on a mapped feature file in a JVM whose heap is smaller than the file: started by
 * {@link MappedNpyTest} as {@code java -Xmx64m ... MappedTrainingChild FILE CANDIDATES}. Rewards
 * are 1 where feature 0 is positive. Prints "trained LOSS0 LOSSN MAXHEAP" on success.
 */
final class MappedTrainingChild {
    private MappedTrainingChild() {
    }

    public static void main(String[] args) throws Exception {
        FeatureMatrix features = Npy.map(List.of(Path.of(args[0])));
        int candidates = Integer.parseInt(args[1]);
        int n = features.rows();
        String[] ids = new String[n];
        double[] rewards = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Integer.toString(i / candidates);
            rewards[i] = features.get(i, 0) > 0 ? 1 : 0;
        }
        SampleSet all = SampleSet.of(ids, null, null, rewards, features, List.of(), args[0]);
        SampleSet.Split split = all.splitByPrompt(0.25, 1);
        TrainingResult r = new Trainer(TrainerConfig.defaults().withEpochs(3).withLearningRate(1e-2))
                .train(split.train(), ProbeSpec.linear(), Objective.pg(8, 1.0));
        float[] scores = r.probe().scores(split.test());
        double[] curve = r.lossCurve();
        System.out.println("trained " + curve[0] + " " + curve[curve.length - 1] + " " + scores.length + " "
                + Runtime.getRuntime().maxMemory());
    }
}
