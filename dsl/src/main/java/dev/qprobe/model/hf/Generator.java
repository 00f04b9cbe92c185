package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sampling with a KV cache: the prompt runs once (one row), its cache is copied to the rows of a
 * batch, and each step feeds one new token per row. Row i of a prompt draws from its own generator
 * seeded by (seed, prompt, i), so the completions do not depend on how k was split into batches.
 */
final class Generator {
    private final HfModel model;
    private final NDManager manager;

    Generator(HfModel model) {
        this.model = model;
        this.manager = NDManager.newBaseManager(model.device());
    }

    /** One sampled row: its completion and the token ids drawn (EOS or stop token included). */
    record Drawn(Completion completion, int[] ids) {
    }

    List<Completion> sample(String prompt, SamplingConfig cfg) {
        return draw(prompt, cfg).stream().map(Drawn::completion).toList();
    }

    synchronized List<Drawn> draw(String prompt, SamplingConfig cfg) {
        int[] promptIds = model.promptTokens(prompt);
        int steps = Math.min(cfg.maxTokens(), room(promptIds));
        Transformer t = model.transformer();
        int rows = BatchPlan.rows(model.config(), t.dataType().getNumOfBytes(), cfg.k(), promptIds.length + steps,
                BatchPlan.budget(t.device()));
        long base = cfg.seed() * 0x9E3779B97F4A7C15L + hash64(prompt);
        List<Drawn> out = new ArrayList<>(cfg.k());
        try (NDManager scope = manager.newSubManager()) {
            KvCache prompted = t.newCache();
            NDArray last = t.forward(scope, new int[][] {promptIds}, prompted, null, Transformer.Logits.LAST).logits();
            for (int first = 0; first < cfg.k(); first += rows) {
                out.addAll(decode(scope, prompted, last, first, Math.min(rows, cfg.k() - first), steps, cfg, base));
            }
        }
        return out;
    }

    private int room(int[] promptIds) {
        HfConfig c = model.config();
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt encodes to no tokens and the tokenizer adds no BOS: "
                    + "give a non-empty prompt");
        }
        int limit = c.slidingWindow() > 0 ? Math.min(c.maxPositions(), c.slidingWindow()) : c.maxPositions();
        if (promptIds.length >= limit) {
            throw new IllegalArgumentException("the prompt is " + promptIds.length + " tokens, leaving no room in the "
                    + "model's context of " + limit);
        }
        return limit - promptIds.length;
    }

    private List<Drawn> decode(NDManager parent, KvCache prompted, NDArray promptLogits, int first, int rows,
                                    int steps, SamplingConfig cfg, long base) {
        Transformer t = model.transformer();
        HfTokenizer tok = model.tokenizer();
        SplittableRandom[] rng = new SplittableRandom[rows];
        int[][] generated = new int[rows][steps];
        int[] count = new int[rows];
        String[] text = new String[rows];
        boolean[] stopped = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            rng[i] = new SplittableRandom(base + (first + i + 1) * 0xBF58476D1CE4E5B9L);
        }
        int active = rows;
        try (NDManager run = parent.newSubManager()) {
            KvCache cache = prompted.expand(run, rows);
            NDArray logits = promptLogits.repeat(0, rows);
            logits.attach(run);
            for (int step = 0; step < steps && active > 0; step++) {
                double[] u = new double[rows];
                for (int i = 0; i < rows; i++) {
                    u[i] = rng[i].nextDouble();
                }
                int[] next;
                try (NDManager work = run.newSubManager()) {
                    next = TokenChooser.choose(work, logits, u, cfg.temperature(), cfg.topP());
                }
                for (int i = 0; i < rows; i++) {
                    if (stopped[i]) {
                        continue;
                    }
                    generated[i][count[i]++] = next[i];
                    if (model.eosIds().contains(next[i])) {
                        text[i] = tok.decode(generated[i], 0, count[i] - 1);
                        stopped[i] = true;
                        active--;
                    } else if (!cfg.stop().isEmpty()) {
                        String s = tok.decode(generated[i], 0, count[i]);
                        int cut = firstStop(s, cfg.stop());
                        if (cut >= 0) {
                            text[i] = s.substring(0, cut);
                            stopped[i] = true;
                            active--;
                        }
                    }
                }
                if (active == 0 || step == steps - 1) {
                    break;
                }
                int[][] feed = new int[rows][];
                for (int i = 0; i < rows; i++) {
                    feed[i] = new int[] {next[i]};  // finished rows ride along; their output is ignored
                }
                NDArray previous = logits;
                try (NDManager work = run.newSubManager()) {
                    logits = t.forward(work, feed, cache, null, Transformer.Logits.LAST).logits();
                    logits.attach(run);
                    cache.attach(run);
                }
                previous.close();
            }
        }
        List<Drawn> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            String s = stopped[i] ? text[i] : tok.decode(generated[i], 0, count[i]);
            out.add(new Drawn(new Completion(s, count[i], stopped[i]), Arrays.copyOf(generated[i], count[i])));
        }
        return out;
    }

    /** Where the earliest stop string begins in {@code s}, or -1 (the paper's code cuts there too). */
    static int firstStop(String s, List<String> stops) {
        int best = -1;
        for (String stop : stops) {
            int at = s.indexOf(stop);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Greedy decoding, for tests: with the cache, or re-running the whole sequence each step. */
    synchronized int[] greedy(int[] prompt, int steps, boolean useCache) {
        Transformer t = model.transformer();
        int[] seq = prompt.clone();
        int[] out = new int[steps];
        try (NDManager scope = manager.newSubManager()) {
            KvCache cache = useCache ? t.newCache() : null;
            int[] feed = prompt;
            for (int s = 0; s < steps; s++) {
                try (NDManager work = scope.newSubManager()) {
                    NDArray logits = t.forward(work, new int[][] {useCache ? feed : seq}, cache, null,
                            Transformer.Logits.LAST).logits();
                    out[s] = TokenChooser.argmax(logits)[0];
                    if (cache != null) {
                        cache.attach(scope);
                    }
                }
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = out[s];
                feed = new int[] {out[s]};
            }
        }
        return out;
    }

    void close() {
        manager.close();
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
}
