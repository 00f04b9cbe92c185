package dev.qprobe.dsl;

import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;

/** A language model as the DSL sees it: a sampler, and the feature sources it offers. */
public interface Model {

    /** Identifies the model for provenance. */
    String id();

    Sampler sampler();

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
