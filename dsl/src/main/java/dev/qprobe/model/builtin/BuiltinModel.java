package dev.qprobe.model.builtin;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.Sampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The project's own small language model, trained by {@link GptTraining} and shipped as a
 * resource: samples completions (batched over the k samples of a prompt, with a KV cache) and
 * gives hidden-state features. Runs on the GPU when DJL sees one, else on the CPU.
 *
 * <p>Safe for concurrent use: every call works in its own sub-manager and only reads the weights.
 * On the CPU one prompt keeps about one core busy (its operations are too small for PyTorch to
 * split), so {@link #preferredConcurrency()} asks for a prompt per core.
 */
public final class BuiltinModel implements Sampler, AutoCloseable {
    /** Where the trained weights live on the class path (and, under dsl/src/main/resources, in the source tree). */
    public static final String RESOURCE = "/dev/qprobe/model/builtin/tiny-gpt.bin";

    private final TinyGpt gpt;
    private final String id;
    private final NDManager manager;

    private BuiltinModel(GptWeights weights, Device device) {
        this.gpt = TinyGpt.load(weights, device);
        this.id = "builtin-gpt@" + weights.digest().substring(0, 12);
        this.manager = NDManager.newBaseManager(device);
    }

    /** The shipped weights on the default device. */
    public static BuiltinModel load() {
        return of(weights(RESOURCE), defaultDevice());
    }

    /** Shipped weights from the class path. */
    static GptWeights weights(String resource) {
        try (InputStream in = BuiltinModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the built-in model's weights " + resource + " are not on the class path;"
                        + " train them with: src/bin/qprobe bench train-builtin");
            }
            return GptWeights.read(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BuiltinModel of(GptWeights weights, Device device) {
        return new BuiltinModel(weights, device);
    }

    /** The first GPU when the PyTorch engine sees one, else the CPU. */
    public static Device defaultDevice() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    @Override
    public String id() {
        return id;
    }

    public Device device() {
        return gpt.device();
    }

    /** A prompt per core on the CPU (two in flight sample 1.3-1.5 times as fast on 2 cores: bench sampling); one on a GPU. */
    @Override
    public int preferredConcurrency() {
        return device().isGpu() ? 1 : Runtime.getRuntime().availableProcessors();
    }

    public GptConfig config() {
        return gpt.config();
    }

    @Override
    public List<Completion> sample(String prompt, SamplingConfig config) {
        return generate(prompt, config, true);
    }

    /**
     * Samples with or without the KV cache. Without it, every step re-runs the whole sequence:
     * the same distribution, much slower; kept to test and measure the cache.
     */
    public List<Completion> generate(String prompt, SamplingConfig config, boolean useCache) {
        int[] promptTokens = promptTokens(prompt);
        int k = config.k();
        int context = gpt.config().context();
        SplittableRandom rng = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + hash64(prompt));
        StringBuilder[] texts = new StringBuilder[k];
        int[] generated = new int[k];
        boolean[] stopped = new boolean[k];
        int[][] sequences = new int[k][];
        for (int i = 0; i < k; i++) {
            texts[i] = new StringBuilder();
            sequences[i] = promptTokens;
        }
        int active = k;
        try (NDManager scope = manager.newSubManager()) {
            TinyGpt.KvCache cache = gpt.newCache();
            int[][] feed = sequences;
            int length = promptTokens.length;
            for (int step = 0; step < config.maxTokens() && length < context && active > 0; step++) {
                float[] logits;
                try (NDManager stepScope = scope.newSubManager()) {
                    NDArray out = useCache ? gpt.step(scope, cache, feed) : lastLogits(stepScope, sequences);
                    logits = out.toFloatArray();
                    if (useCache) {
                        out.close();
                    }
                }
                int vocab = gpt.config().vocab();
                int[][] next = new int[k][1];
                for (int i = 0; i < k; i++) {
                    if (stopped[i]) {
                        next[i][0] = CharTokenizer.BOS;  // finished rows ride along; their output is ignored
                        continue;
                    }
                    logits[i * vocab + CharTokenizer.BOS] = Float.NEGATIVE_INFINITY;  // BOS only begins text
                    int token = Nucleus.sample(logits, i * vocab, vocab, config.temperature(), config.topP(), rng);
                    next[i][0] = token;
                    generated[i]++;
                    texts[i].append(CharTokenizer.decode(token));
                    String ended = endingStop(texts[i], config.stop());
                    if (ended != null) {
                        texts[i].setLength(texts[i].length() - ended.length());
                        stopped[i] = true;
                        active--;
                    }
                }
                length++;
                if (useCache) {
                    feed = next;
                } else {
                    for (int i = 0; i < k; i++) {
                        int[] grown = Arrays.copyOf(sequences[i], sequences[i].length + 1);
                        grown[grown.length - 1] = next[i][0];
                        sequences[i] = grown;
                    }
                }
            }
        }
        List<Completion> completions = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            completions.add(new Completion(texts[i].toString(), generated[i], stopped[i]));
        }
        return completions;
    }

    private NDArray lastLogits(NDManager scope, int[][] sequences) {
        NDArray logits = gpt.forward(scope, sequences, false).logits();
        return logits.get(":, -1, :");
    }

    private int[] promptTokens(String prompt) {
        int[] encoded = CharTokenizer.encode(prompt);
        if (encoded.length + 1 >= gpt.config().context()) {
            throw new IllegalArgumentException("prompt of " + encoded.length + " characters leaves no room in the "
                    + "built-in model's context of " + gpt.config().context() + ": \"" + prompt + "\"");
        }
        int[] tokens = new int[encoded.length + 1];
        tokens[0] = CharTokenizer.BOS;
        System.arraycopy(encoded, 0, tokens, 1, encoded.length);
        return tokens;
    }

    private static String endingStop(StringBuilder text, List<String> stops) {
        for (String s : stops) {
            int from = text.length() - s.length();
            if (from >= 0 && text.indexOf(s, from) == from) {
                return s;
            }
        }
        return null;
    }

    /**
     * The exact log-probability log pi0(y | x) with which {@link #sample} draws each completion
     * under {@code config}'s temperature and top-p: the sum over its tokens of the log of the
     * tempered, nucleus-renormalised probability, BOS excluded as in sampling. A completion that
     * {@code stopped} includes the stop string that ended it ({@code config} must then have exactly
     * one); one that did not is the probability of that prefix. -Infinity for a completion the
     * sampler cannot produce (a token outside the nucleus).
     *
     * @throws IllegalArgumentException when the lists differ in length, a stopped completion has
     *                                  no single stop string to add, or a text does not fit the context
     */
    public double[] logProbabilities(String prompt, List<String> completions, List<Boolean> stopped,
                                                  SamplingConfig config) {
        if (completions.size() != stopped.size()) {
            throw new IllegalArgumentException(completions.size() + " completions but " + stopped.size() + " stop flags");
        }
        int[] promptTokens = promptTokens(prompt);
        int n = completions.size();
        int[][] rows = new int[n][];
        int width = 0;
        for (int i = 0; i < n; i++) {
            String text = completions.get(i);
            if (stopped.get(i)) {
                if (config.stop().size() != 1) {
                    throw new IllegalArgumentException("completion " + i + " stopped, but the sampling config has "
                            + config.stop().size() + " stop strings; which one ended it is not known");
                }
                text += config.stop().get(0);
            }
            int[] c = CharTokenizer.encode(text);
            int[] seq = Arrays.copyOf(promptTokens, promptTokens.length + c.length);
            System.arraycopy(c, 0, seq, promptTokens.length, c.length);
            if (seq.length > gpt.config().context()) {
                throw new IllegalArgumentException("prompt + completion " + i + " is " + seq.length
                        + " tokens, over the built-in model's context of " + gpt.config().context());
            }
            rows[i] = seq;
            width = Math.max(width, seq.length);
        }
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        int[][] padded = new int[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, padded[i], 0, rows[i].length);
        }
        int vocab = gpt.config().vocab();
        try (NDManager scope = manager.newSubManager()) {
            float[] logits = gpt.forward(scope, padded, false).logits().toFloatArray();
            for (int i = 0; i < n; i++) {
                double lp = 0;
                for (int pos = promptTokens.length - 1; pos + 1 < rows[i].length; pos++) {
                    int off = (i * width + pos) * vocab;
                    logits[off + CharTokenizer.BOS] = Float.NEGATIVE_INFINITY;  // as in sampling
                    lp += Nucleus.logProbability(logits, off, vocab, config.temperature(), config.topP(),
                            rows[i][pos + 1]);
                }
                out[i] = lp;
            }
        }
        return out;
    }

    /** A stable 64-bit hash of a string (the first 8 bytes of its SHA-256). */
    static long hash64(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hidden-state features: the residual stream after block {@code layer} (counted from the top:
     * -1 is the last block) at the last token of prompt + completion, or averaged over the
     * completion's tokens.
     */
    public Embedder hiddenStates(int layer, boolean meanOverCompletion) {
        int layers = gpt.config().layers();
        if (layer >= 0 || layer < -layers) {
            throw new IllegalArgumentException("layer counts from the top: -1 (last) to -" + layers + ", got " + layer);
        }
        return new HiddenStateEmbedder(this, layers + layer, meanOverCompletion);
    }

    /** Features for a batch of completions of one prompt; see {@link #hiddenStates}. */
    float[][] hidden(String prompt, List<String> completions, int block, boolean mean) {
        int[] promptTokens = promptTokens(prompt);
        int context = gpt.config().context();
        int n = completions.size();
        int[][] rows = new int[n][];
        int width = 0;
        for (int i = 0; i < n; i++) {
            int[] c = CharTokenizer.encode(completions.get(i));
            int[] seq = Arrays.copyOf(promptTokens, promptTokens.length + c.length);
            System.arraycopy(c, 0, seq, promptTokens.length, c.length);
            if (seq.length > context) {
                throw new IllegalArgumentException("prompt + completion " + i + " is " + seq.length
                        + " tokens, over the built-in model's context of " + context);
            }
            rows[i] = seq;
            width = Math.max(width, seq.length);
        }
        int[][] padded = new int[n][width];  // right padding cannot affect earlier positions (causal)
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, padded[i], 0, rows[i].length);
        }
        int d = gpt.config().dModel();
        float[][] features = new float[n][d];
        if (n == 0) {
            return features;
        }
        try (NDManager scope = manager.newSubManager()) {
            float[] h = gpt.forward(scope, padded, true).hidden().get(block).toFloatArray();
            for (int i = 0; i < n; i++) {
                int last = rows[i].length - 1;
                int first = mean && rows[i].length > promptTokens.length ? promptTokens.length : last;
                for (int pos = first; pos <= last; pos++) {
                    int off = (i * width + pos) * d;
                    for (int j = 0; j < d; j++) {
                        features[i][j] += h[off + j];
                    }
                }
                float scale = 1f / (last - first + 1);
                for (int j = 0; j < d; j++) {
                    features[i][j] *= scale;
                }
            }
        }
        return features;
    }

    @Override
    public void close() {
        manager.close();
        gpt.close();
    }

    @Override
    public String toString() {
        return "BuiltinModel[" + id + ", " + gpt + "]";
    }
}
