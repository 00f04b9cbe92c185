package dev.qprobe.dsl;

import dev.qprobe.model.Model;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.text.MiniLmEmbedder;

/** Where features come from: the model's hidden states, bundled text embeddings, or an API. */
public interface Embed {

    /** The embedder this choice gives for {@code model}. */
    Embedder on(Model model);

    /** The residual stream after block {@code layer} (from the top: -1 = last) at the last token. */
    static Embed hidden(int layer) {
        return describe("hidden(" + layer + ")", model -> model.hiddenStates(layer, false));
    }

    /** As {@link #hidden(int)}, averaged over the completion's tokens. */
    static Embed hiddenMean(int layer) {
        return describe("hiddenMean(" + layer + ")", model -> model.hiddenStates(layer, true));
    }

    /** The bundled all-MiniLM-L6-v2 sentence embeddings of prompt + completion (384 dims, offline). */
    static Embed text() {
        return describe("text()", model -> new MiniLmEmbedder());
    }

    /** The endpoint's /embeddings, for a model served over an OpenAI-compatible API. */
    static Embed api() {
        return describe("api()", Model::apiEmbeddings);
    }

    /** Any embedder of your own. */
    static Embed of(Embedder embedder) {
        return describe("of(" + embedder.id() + ")", model -> embedder);
    }

    private static Embed describe(String name, java.util.function.Function<Model, Embedder> make) {
        return new Embed() {
            @Override
            public Embedder on(Model model) {
                return make.apply(model);
            }

            @Override
            public String toString() {
                return "Embed." + name;
            }
        };
    }
}
