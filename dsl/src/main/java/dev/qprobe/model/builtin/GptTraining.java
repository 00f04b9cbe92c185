package dev.qprobe.model.builtin;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link TinyGpt} from scratch on lines of text (next-character prediction, padding
 * masked out) with AdamW, a linear warm-up and a cosine decay. Seeded: initial weights and batch
 * order come from the seed.
 */
public final class GptTraining {

    /** Training hyper-parameters. */
    public record Settings(int steps, int batchSize, double learningRate, double weightDecay, int warmup, long seed) {
        public Settings {
            if (steps < 1 || batchSize < 1 || warmup < 0 || !(learningRate > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("invalid training settings: " + this);
            }
        }

        /** What the shipped model was trained with (both built-in tasks' corpora, from scratch). */
        public static Settings builtin() {
            return new Settings(2500, 64, 2e-3, 0.01, 100, 1);
        }
    }

    /** Hears about progress every {@code every} steps. */
    @FunctionalInterface
    public interface Listener {
        void onStep(int step, int steps, double loss, double tokensPerSecond);
    }

    private GptTraining() {
    }

    public static GptWeights train(List<String> corpus, GptConfig config, Settings settings, Device device,
                                   Listener listener) {
        int[][] lines = encode(corpus, config);
        SplittableRandom rng = new SplittableRandom(settings.seed());
        GptWeights initial = GptWeights.initial(config, rng.nextLong());
        try (TinyGpt model = TinyGpt.load(initial, device); NDManager manager = NDManager.newBaseManager(device)) {
            Map<String, NDArray> params = model.parameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            AdamState adam = new AdamState(params);
            long start = System.nanoTime();
            long tokens = 0;
            for (int step = 1; step <= settings.steps(); step++) {
                int[][] batch = new int[settings.batchSize()][];
                int width = 1;
                for (int b = 0; b < batch.length; b++) {
                    batch[b] = lines[rng.nextInt(lines.length)];
                    width = Math.max(width, batch[b].length - 1);
                }
                // Pad to the longest line of the batch, not the whole context: attention and
                // MLP cost grow with the width.
                int[][] input = new int[batch.length][width];
                int[][] target = new int[batch.length][width];
                float[] mask = new float[batch.length * width];
                for (int b = 0; b < batch.length; b++) {
                    int[] line = batch[b];
                    // line = BOS + text; predict each next character, padding masked out.
                    for (int t = 0; t + 1 < line.length; t++) {
                        input[b][t] = line[t];
                        target[b][t] = line[t + 1];
                        mask[b * width + t] = 1f;
                        tokens++;
                    }
                }
                double loss;
                try (NDManager scope = manager.newSubManager();
                     GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    collector.zeroGradients();
                    NDArray logits = model.forward(scope, input, false).logits();
                    NDArray lossArray = maskedCrossEntropy(scope, logits, target, mask, config.vocab());
                    collector.backward(lossArray);
                    loss = lossArray.getFloat();
                }
                adam.step(params, learningRate(settings, step), settings);
                if (step % 50 == 0 || step == settings.steps()) {
                    listener.onStep(step, settings.steps(), loss, tokens / ((System.nanoTime() - start) / 1e9));
                }
            }
            return model.weights();
        }
    }

    private static int[][] encode(List<String> corpus, GptConfig config) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("cannot train on an empty corpus");
        }
        int[][] lines = new int[corpus.size()][];
        for (int i = 0; i < lines.length; i++) {
            int[] text = CharTokenizer.encode(corpus.get(i));
            if (text.length + 1 > config.context() + 1) {
                throw new IllegalArgumentException("corpus line " + i + " has " + text.length
                        + " characters; the context holds " + config.context());
            }
            lines[i] = new int[text.length + 1];
            System.arraycopy(text, 0, lines[i], 1, text.length);
        }
        return lines;
    }

    private static NDArray maskedCrossEntropy(NDManager scope, NDArray logits, int[][] target, float[] mask, int vocab) {
        int b = target.length;
        int t = target[0].length;
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(target[i], 0, flat, i * t, t);
        }
        NDArray oneHot = scope.create(flat, new Shape(b, t)).oneHot(vocab).toType(DataType.FLOAT32, false);
        NDArray maskArray = scope.create(mask, new Shape(b, t));
        NDArray nll = logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).neg();
        return nll.mul(maskArray).sum().div(maskArray.sum());
    }

    private static double learningRate(Settings s, int step) {
        if (step <= s.warmup()) {
            return s.learningRate() * step / s.warmup();
        }
        double progress = (double) (step - s.warmup()) / Math.max(1, s.steps() - s.warmup());
        return s.learningRate() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** AdamW moments in Java arrays; parameters are copied out, updated and copied back each step. */
    private static final class AdamState {
        private final Map<String, double[]> m = new java.util.HashMap<>();
        private final Map<String, double[]> v = new java.util.HashMap<>();
        private int t;

        AdamState(Map<String, NDArray> params) {
            params.forEach((name, p) -> {
                m.put(name, new double[(int) p.size()]);
                v.put(name, new double[(int) p.size()]);
            });
        }

        void step(Map<String, NDArray> params, double lr, Settings s) {
            t++;
            double b1 = 0.9;
            double b2 = 0.95;
            double c1 = 1 - Math.pow(b1, t);
            double c2 = 1 - Math.pow(b2, t);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue();
                float[] w = p.toFloatArray();
                float[] g;
                try (NDArray grad = p.getGradient()) {
                    g = grad.toFloatArray();
                }
                // Decay matrices only, not biases, LayerNorm gains or embeddings (as in GPT-2).
                double decay = name.contains(".w_") ? 1 - lr * s.weightDecay() : 1;
                double[] mm = m.get(name);
                double[] vv = v.get(name);
                for (int i = 0; i < w.length; i++) {
                    mm[i] = b1 * mm[i] + (1 - b1) * g[i];
                    vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
                    w[i] = (float) (w[i] * decay - lr * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + 1e-8));
                }
                p.set(w);
            }
        }
    }
}
