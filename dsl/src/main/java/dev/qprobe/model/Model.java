package dev.qprobe.model;

/** A language model as the DSL sees it: a sampler, and the feature sources it offers. */
public interface Model {

    /** Identifies the model for provenance. */
    String id();

    Sampler sampler();

    /** Where the model runs, e.g. "cpu()" or "gpu(0)"; "remote" for a model behind an endpoint. */
    default String device() {
        return "remote";
    }

    /** The residual stream after block {@code layer} (counted from the top, -1 = last). */
    default Embedder hiddenStates(int layer, boolean meanOverCompletion) {
        throw new UnsupportedOperationException("model " + id() + " does not expose hidden states: use "
                + "Embed.text() (bundled sentence embeddings) or Embed.api() (the endpoint's embeddings)");
    }

    /** The endpoint's own embeddings, for models served over an API. */
    default Embedder apiEmbeddings() {
        throw new UnsupportedOperationException("model " + id() + " has no embeddings endpoint: use "
                + "Embed.hidden(layer) or Embed.text()");
    }
}
