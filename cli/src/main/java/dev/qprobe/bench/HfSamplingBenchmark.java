package dev.qprobe.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.model.Completion;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.hf.HfModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code qprobe bench hf-sampling [NEW_TOKENS] [SHAPES]}: tokens/s sampling k = 48 completions with
 * the KV cache from random-weight checkpoints of GPT-2-small and Qwen2.5-0.5B shape, our DJL code
 * against a PyTorch eager KV-cache loop (Debian's python3-torch, dsl/src/test/python/hf_bench.py)
 * on the same weights, same threads, in one run. Temperature 0.8, top-p 0.95, no stop strings, float32, CPU.
 */
public final class HfSamplingBenchmark {
    private static final int K = 48;
    private static final String PYTHON = "/usr/bin/python3";

    private HfSamplingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int newTokens = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        List<String> shapes = args.length > 1 ? List.of(args[1].split(",")) : List.of("gpt2-small", "qwen2.5-0.5b");
        int threads = Runtime.getRuntime().availableProcessors();
        Path script = script();
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        System.out.printf(Locale.ROOT, "hf-sampling: k = %d, %d new tokens, %d threads, float32 on CPU%n", K, newTokens,
                threads);
        for (String shape : shapes) {
            Path dir = Files.createTempDirectory("qprobe-hf-bench-");
            try {
                python(script, "make", shape, dir.toString());
                double ours = ours(dir, newTokens);
                JsonNode torch = new ObjectMapper().readTree(python(script, "run", dir.toString(), Integer.toString(K),
                        Integer.toString(newTokens), Integer.toString(threads)));
                double theirs = torch.get("tokens_per_s").asDouble();
                System.out.printf(Locale.ROOT, "%-14s qprobe (DJL) %8.1f tokens/s   PyTorch eager loop %8.1f tokens/s"
                        + "   ratio %.2f%n", shape, ours, theirs, ours / theirs);
            } finally {
                delete(dir);
            }
        }
    }

    private static double ours(Path dir, int newTokens) throws IOException {
        String prompt = new ObjectMapper().readTree(dir.resolve("prompt.json").toFile()).get("prompt").asText();
        try (HfModel model = HfModel.load(dir, Device.cpu())) {
            SamplingConfig config = new SamplingConfig(K, 0.8, 0.95, newTokens, List.of(), 0);
            model.sample(prompt, config.withMaxTokens(2));  // warm-up
            long t0 = System.nanoTime();
            List<Completion> out = model.sample(prompt, config);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long tokens = out.stream().mapToLong(Completion::tokens).sum();
            if (tokens != (long) K * newTokens) {
                throw new IllegalStateException("expected " + K * newTokens + " tokens, got " + tokens);
            }
            return tokens / seconds;
        }
    }

    private static String python(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static Path script() {
        Path root = Path.of(System.getProperty("qprobe.root", "."));
        Path script = root.resolve("dsl/src/test/python/hf_bench.py");
        if (!Files.isRegularFile(script) || !Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException("the PyTorch peer needs " + script + " and " + PYTHON
                    + " with torch (Debian: apt-get install python3-torch); run from a source checkout");
        }
        return script;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
