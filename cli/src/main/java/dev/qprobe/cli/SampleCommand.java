package dev.qprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qprobe.collect.SampleCollector;
import dev.qprobe.data.PromptSamples;
import dev.qprobe.data.SampleSet;
import dev.qprobe.demo.ConsoleProgress;
import dev.qprobe.dsl.Experiment;
import dev.qprobe.io.Npy;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.hf.HfModel;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import dev.qprobe.task.Task;
import dev.qprobe.task.code.CodeTask;
import dev.qprobe.task.code.MbppLoader;
import dev.qprobe.task.code.PythonSandbox;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples k completions per prompt from a Hugging Face model folder and writes their hidden-state "
                + "features: OUT/samples.jsonl (prompt_id, prompt, completion, tokens, stopped, reward when a task "
                + "scores it) and OUT/features.npy (float32, row-aligned), ready for "
                + "`qprobe train --features OUT/features.npy --samples OUT/samples.jsonl`. Resumable: every prompt "
                + "is cached ($QPROBE_CACHE, else ~/.cache/qprobe) as soon as it is done."})
final class SampleCommand implements Callable<Integer> {
    @Mixin
    HfModelOptions model;

    @Option(names = "--prompts", paramLabel = "FILE.jsonl",
            description = "one {\"prompt\": ..., \"prompt_id\": ...} per line (prompt_id optional: the line number)")
    Path prompts;

    @Option(names = "--task", arity = "1..2", paramLabel = "NAME [FILE]",
            description = "score with a task: arithmetic, or mbpp FILE (MBPP jsonl); its prompts unless --prompts")
    List<String> task;

    @Option(names = "--k", defaultValue = "48", description = "completions per prompt (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--temperature", defaultValue = "0.8", description = "(default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", description = "(default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "(default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--stop", arity = "1..*", paramLabel = "STR",
            description = "stop strings; a completion is cut at the first one (\\n, \\t understood)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--layer", defaultValue = "-1",
            description = "hidden state: 0 = embeddings, i = block i, negative from the end, -1 = after the final norm "
                    + "(default: ${DEFAULT-VALUE})")
    int layer;

    @Option(names = "--pool", defaultValue = "last", description = "last or mean over the completion (default: ${DEFAULT-VALUE})")
    String pool;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "where samples.jsonl and features.npy (row-aligned) are written")
    Path out;

    @Override
    public Integer call() throws Exception {
        boolean mean = EmbedCommand.mean(pool);
        SamplingConfig config = new SamplingConfig(k, temperature, topP, maxNewTokens,
                stop.stream().map(HfModelOptions::unescape).toList(), seed);
        Task scorer = task == null ? null : task(task);
        List<Prompt> list = prompts != null ? readPrompts(prompts) : all(scorer);
        Task used = scorer != null ? scorer : new Unscored(list);
        try (HfModel m = model.load()) {
            System.out.println("model  " + m);
            SampleCollector collector = new SampleCollector(m, m.hiddenStates(layer, mean), config, Experiment.defaultCache())
                    .withProgress(new ConsoleProgress());
            List<PromptSamples> samples = collector.sample(used, list);
            SampleSet set = collector.embed(used, list, samples);
            Files.createDirectories(out);
            writeSamples(out.resolve("samples.jsonl"), list, samples, scorer != null);
            Npy.write(out.resolve("features.npy"), set.features());
            System.out.printf(Locale.ROOT, "wrote  %s (%d rows) and %s (%d x %d float32)%n", out.resolve("samples.jsonl"),
                    set.size(), out.resolve("features.npy"), set.size(), set.dim());
            if (scorer != null) {
                System.out.printf(Locale.ROOT, "reward mean %.4f over %d samples%n", set.meanReward(), set.size());
            }
        }
        return 0;
    }

    private static Task task(List<String> spec) throws IOException {
        String name = spec.get(0).toLowerCase(Locale.ROOT);
        if (name.equals("arithmetic") && spec.size() == 1) {
            return ArithmeticTask.standard();
        }
        if (name.equals("mbpp") && spec.size() == 2) {
            return CodeTask.seededSplit("mbpp", MbppLoader.load(Path.of(spec.get(1))), CodeTask.DEFAULT_TEST_FRACTION,
                    CodeTask.DEFAULT_SEED, PythonSandbox.create());
        }
        throw new IllegalArgumentException("--task takes `arithmetic` or `mbpp FILE`, got " + String.join(" ", spec));
    }

    private static List<Prompt> all(Task task) {
        if (task == null) {
            throw new IllegalArgumentException("give --prompts FILE.jsonl, or --task to use a task's prompts");
        }
        List<Prompt> list = new ArrayList<>(task.trainPrompts());
        list.addAll(task.testPrompts());
        return list;
    }

    static List<Prompt> readPrompts(Path file) throws IOException {
        List<Prompt> list = new ArrayList<>();
        for (JsonNode row : EmbedCommand.jsonLines(file, "prompt")) {
            String id = row.hasNonNull("prompt_id") ? row.get("prompt_id").asText() : Integer.toString(list.size());
            list.add(new Prompt(id, row.get("prompt").asText()));
        }
        return list;
    }

    private static void writeSamples(Path file, List<Prompt> prompts, List<PromptSamples> samples, boolean scored)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int p = 0; p < prompts.size(); p++) {
                List<Completion> completions = samples.get(p).completions();
                for (int i = 0; i < completions.size(); i++) {
                    ObjectNode row = json.createObjectNode();
                    row.put("prompt_id", prompts.get(p).id());
                    row.put("prompt", prompts.get(p).text());
                    row.put("completion", completions.get(i).text());
                    row.put("tokens", completions.get(i).tokens());
                    row.put("stopped", completions.get(i).stopped());
                    if (scored) {
                        row.put("reward", samples.get(p).rewards()[i]);
                    }
                    w.write(json.writeValueAsString(row));
                    w.newLine();
                }
            }
        }
    }

    /** Prompts without a reward: samples.jsonl then has no reward field. */
    private record Unscored(List<Prompt> prompts) implements Task {
        @Override
        public String name() {
            return "unscored:" + Integer.toHexString(prompts.hashCode());
        }

        @Override
        public List<Prompt> trainPrompts() {
            return prompts;
        }

        @Override
        public List<Prompt> testPrompts() {
            return List.of();
        }

        @Override
        public double reward(Prompt prompt, String completion) {
            return 0;
        }
    }
}
