package dev.qprobe.model.hf;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A checkpoint's {@code tokenizer.json}, run by the Hugging Face tokenizers library (Rust) that
 * DJL wraps. Text is encoded with the special tokens its post-processor adds (a BOS where the
 * tokenizer says so; never one added by hand), without truncation or padding.
 *
 * <p>Offline: the library's jar carries the CPU build of the native code, but on a machine with
 * CUDA DJL would fetch a CUDA build unless told otherwise; {@link #offline()} sets RUST_FLAVOR=cpu
 * and DJL's offline mode (ai.djl.offline) before the first tokenizer loads, unless the user chose
 * them already.
 */
public final class HfTokenizer implements AutoCloseable {
    public static final String FILE = "tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code dir/tokenizer.json}. */
    public static HfTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " has no " + FILE + " (only fast tokenizers saved as tokenizer.json are read)");
        }
        offline();
        try {
            return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "true", "truncation", "false", "padding", "false")));
        } catch (RuntimeException e) {
            throw new IOException(file + " could not be loaded: " + e.getMessage(), e);
        }
    }

    /** Makes DJL use the native tokenizer shipped in the jar and never download one. */
    public static synchronized void offline() {
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /** Token ids of {@code text}, special tokens added as the tokenizer's post-processor says. */
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}, special tokens left out. */
    public String decode(int[] ids, int from, int to) {
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
