package dev.qprobe.dsl;

import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.model.openai.OpenAiEmbedder;
import dev.qprobe.model.openai.OpenAiEndpoint;
import dev.qprobe.model.openai.OpenAiSampler;

/** Where models come from. */
public final class Models {
    private static BuiltinModel builtin;

    private Models() {
    }

    /** The project's own small model (loaded once per JVM; GPU when PyTorch sees one). */
    public static Model builtin() {
        return new Model() {
            @Override
            public String id() {
                return model().id();
            }

            @Override
            public Sampler sampler() {
                return model();
            }

            @Override
            public Embedder hiddenStates(int layer, boolean meanOverCompletion) {
                return model().hiddenStates(layer, meanOverCompletion);
            }

            @Override
            public String toString() {
                return "Models.builtin()";
            }
        };
    }

    private static synchronized BuiltinModel model() {
        if (builtin == null) {
            builtin = BuiltinModel.load();
        }
        return builtin;
    }

    /**
     * A model behind an OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama, TGI):
     * {@code sample} uses its completions (or chat) endpoint, {@code Embed.api()} its
     * /embeddings with {@code embeddingModel}.
     */
    public static Model openAi(OpenAiEndpoint endpoint, String embeddingModel) {
        OpenAiSampler sampler = new OpenAiSampler(endpoint);
        return new Model() {
            private Embedder embeddings;

            @Override
            public String id() {
                return sampler.id();
            }

            @Override
            public Sampler sampler() {
                return sampler;
            }

            @Override
            public synchronized Embedder apiEmbeddings() {
                if (embeddings == null) {
                    embeddings = OpenAiEmbedder.probe(endpoint.withModel(embeddingModel)
                            .withMode(OpenAiEndpoint.Mode.EMBEDDINGS));
                }
                return embeddings;
            }

            @Override
            public String toString() {
                return "Models.openAi(" + endpoint.baseUrl() + ", " + endpoint.model() + ")";
            }
        };
    }

    /** {@link #openAi(OpenAiEndpoint, String)} with the completions endpoint at {@code baseUrl} and one model for both. */
    public static Model openAi(String baseUrl, String model) {
        return openAi(OpenAiEndpoint.of(baseUrl, model), model);
    }

    /** Any sampler, e.g. your own DJL model wrapped as a {@link Sampler}. */
    public static Model of(Sampler sampler) {
        return new Model() {
            @Override
            public String id() {
                return sampler.id();
            }

            @Override
            public Sampler sampler() {
                return sampler;
            }

            @Override
            public String toString() {
                return "Models.of(" + sampler.id() + ")";
            }
        };
    }
}
