package dev.qprobe.examples;

import dev.qprobe.dsl.Beta;
import dev.qprobe.dsl.Embed;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.dsl.Features;
import dev.qprobe.model.Model;
import dev.qprobe.dsl.Models;
import dev.qprobe.dsl.QProbe;
import dev.qprobe.dsl.Results;
import dev.qprobe.dsl.Samples;
import dev.qprobe.model.openai.OpenAiEndpoint;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.train.Objective;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The DSL on a model served over an OpenAI-compatible HTTP API (OpenAI, vLLM, llama.cpp server,
 * Ollama, TGI): completions come from the server's {@code /completions} (or
 * {@code /chat/completions}), features from its {@code /embeddings} when an embedding model is
 * named, else from the bundled all-MiniLM-L6-v2 sentence embeddings (offline). The task is the
 * built-in arithmetic one, scored by its checker; the probe learns which completions to trust.
 *
 * <p>Run it against a server, e.g. vLLM on port 8000:
 * <pre>
 * examples/run ApiBackend --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-0.5B \
 *     --embedding-model BAAI/bge-small-en-v1.5 --train 100 --test 50 --k 16
 * QPROBE_OPENAI_BASE_URL=https://api.openai.com/v1 QPROBE_OPENAI_MODEL=gpt-3.5-turbo-instruct \
 *     QPROBE_OPENAI_EMBEDDING_MODEL=text-embedding-3-small OPENAI_API_KEY=... examples/run ApiBackend
 * </pre>
 * Each option falls back to an environment variable: {@code --base-url} to
 * {@code QPROBE_OPENAI_BASE_URL}, {@code --model} to {@code QPROBE_OPENAI_MODEL}, {@code --embedding-model} to
 * {@code QPROBE_OPENAI_EMBEDDING_MODEL}. The API key is read from {@code OPENAI_API_KEY} when set (local
 * servers need none). {@code --mode chat} uses the chat route; {@code --train}, {@code --test}
 * and {@code --k} size the run (default 100, 50, 8; k at least 8, the PG probe's training chunk); {@code --cache DIR} as in {@link QuickStart}.
 */
public final class ApiBackend {
    private static final String USAGE = "ApiBackend --base-url URL --model NAME [--embedding-model NAME] "
            + "[--mode completions|chat] [--train N] [--test N] [--k K] [--cache DIR]";

    private ApiBackend() {
    }

    public static void main(String[] args) throws Exception {
        run(args, System::getenv);
    }

    /** {@link #main} with the environment looked up in {@code env}. */
    static void run(String[] args, Function<String, String> env) throws Exception {
        Options options = Options.parse(args, USAGE, Set.of("base-url", "model", "embedding-model", "mode", "train",
                "test", "k", "cache"));
        String baseUrl = options.string("base-url", env.apply("QPROBE_OPENAI_BASE_URL"));
        String modelName = options.string("model", env.apply("QPROBE_OPENAI_MODEL"));
        String embeddingModel = options.string("embedding-model", env.apply("QPROBE_OPENAI_EMBEDDING_MODEL"));
        if (baseUrl == null || baseUrl.isBlank()) {
            throw options.error("no endpoint: pass --base-url (e.g. http://localhost:8000/v1) or set QPROBE_OPENAI_BASE_URL");
        }
        if (modelName == null || modelName.isBlank()) {
            throw options.error("no model: pass --model NAME or set QPROBE_OPENAI_MODEL");
        }
        OpenAiEndpoint.Mode mode = switch (options.string("mode", "completions")) {
            case "completions" -> OpenAiEndpoint.Mode.COMPLETIONS;
            case "chat" -> OpenAiEndpoint.Mode.CHAT;
            default -> throw options.error("--mode must be completions or chat, got " + options.string("mode", ""));
        };
        OpenAiEndpoint endpoint = OpenAiEndpoint.of(baseUrl, modelName).withMode(mode).withEnv(env);
        boolean apiFeatures = embeddingModel != null && !embeddingModel.isBlank();
        Model model = Models.openAi(endpoint, apiFeatures ? embeddingModel : modelName);

        Experiment experiment = QProbe.task(ArithmeticTask.create(options.count("train", 100),
                        options.count("test", 50), 1))
                .model(model)
                .concurrency(4);                          // several prompts in flight: the server batches them
        if (options.has("cache")) {
            experiment = experiment.cache(options.path("cache"));
        }
        Samples samples = experiment.sample(options.count("k", 16), 0.8);
        System.out.println(samples);
        Prompt first = experiment.task().trainPrompts().get(0);
        System.out.printf(Locale.ROOT, "e.g. %s -> \"%s\" (reward %.0f)%n", first.text(),
                samples.train().get(0).completions().get(0).text(), samples.train().get(0).rewards()[0]);

        Features features = samples.embed(apiFeatures ? Embed.api() : Embed.text());
        System.out.println(features);
        Results run = features.probe(Objective.PG, Objective.MSE).select(Beta.of(0, 0.1));
        System.out.println(run);
        System.out.println(run.table().printAll());
    }
}
