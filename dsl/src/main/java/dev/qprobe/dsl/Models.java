package dev.qprobe.dsl;

import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.builtin.BuiltinModel;

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
