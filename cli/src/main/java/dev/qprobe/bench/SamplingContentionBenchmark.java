package dev.qprobe.bench;

import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.TorchThreads;
import dev.qprobe.model.builtin.BuiltinModel;
import dev.qprobe.task.ArithmeticTask;
import dev.qprobe.task.Prompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Built-in sampling throughput (prompts/s, k = 48) alone and next to a CPU-bound process, for
 * PyTorch's default thread pools (before) against the ones {@link TorchThreads} sets (after): in a
 * JVM started by the {@code qprobe} launcher (OpenMP's workers wait passively, all cores) and in a
 * plain JVM (one intra-op thread). Each measurement is a fresh JVM (thread pools are sized once
 * per process); the variants take turns, round after round, so that the machine's other load
 * falls on all of them alike.
 *
 * <p>Arguments (optional): seconds of sampling per measurement (default 10), rounds (default 3),
 * threads of the competing process (default 1).
 */
public final class SamplingContentionBenchmark {
    /** One configuration: QPROBE_THREADS for the child (null = unset) and OMP_WAIT_POLICY (null = unset). */
    private record Variant(String label, String threads, String ompWaitPolicy) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("before: PyTorch defaults", "0", null),
            new Variant("after, qprobe launcher", null, "PASSIVE"),
            new Variant("after, plain JVM", null, null));

    private SamplingContentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Double.parseDouble(args[1]));
            return;
        }
        if (args.length > 0 && args[0].equals("--spin")) {
            spin(Integer.parseInt(args[1]));
            return;
        }
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int competitorThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        System.out.printf(Locale.ROOT, "sampling contention: %d cores for this JVM, %.0f s per measurement, %d rounds,"
                + " competitor = a JVM spinning %d thread(s); load average at start %s%n",
                Runtime.getRuntime().availableProcessors(), seconds, rounds, competitorThreads, loadAverage());
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (boolean loaded : new boolean[] {false, true}) {
                for (Variant variant : VARIANTS) {
                    String label = variant.label() + (loaded ? ", loaded" : ", alone");
                    Process competitor = loaded
                            ? start(List.of("--spin", Integer.toString(competitorThreads)), null, null) : null;
                    try {
                        if (competitor != null) {
                            Thread.sleep(1000); // let it reach full speed
                        }
                        Measurement m = measure(seconds, variant);
                        results.computeIfAbsent(label, x -> new ArrayList<>()).add(m.promptsPerSecond());
                        System.out.printf(Locale.ROOT, "round %d  %-40s %7.2f prompts/s  (%s; load avg %s)%n",
                                round, label, m.promptsPerSecond(), m.threads(), loadAverage());
                    } finally {
                        if (competitor != null) {
                            competitor.destroyForcibly().waitFor();
                        }
                    }
                }
            }
        }
        System.out.println();
        System.out.println("median over rounds (prompts/s), and loaded as a share of alone:");
        for (Variant variant : VARIANTS) {
            double alone = median(results.get(variant.label() + ", alone"));
            double loaded = median(results.get(variant.label() + ", loaded"));
            System.out.printf(Locale.ROOT, "%-28s alone %7.2f   loaded %7.2f   %5.1f%%%n", variant.label(), alone, loaded,
                    100 * loaded / alone);
        }
    }

    private record Measurement(double promptsPerSecond, String threads) {
    }

    /** Runs one child and reads its "RESULT prompts/s threads" line. */
    private static Measurement measure(double seconds, Variant variant) throws IOException, InterruptedException {
        Process child = start(List.of("--child", Double.toString(seconds)), variant.threads(), variant.ompWaitPolicy());
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                }
            }
        }
        if (!child.waitFor(10, TimeUnit.MINUTES) || child.exitValue() != 0 || result == null) {
            child.destroyForcibly();
            throw new IllegalStateException("sampling child failed:\n" + output);
        }
        String[] parts = result.split(" ", 2);
        return new Measurement(Double.parseDouble(parts[0]), parts[1]);
    }

    private static Process start(List<String> args, String qprobeThreads, String ompWaitPolicy) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SamplingContentionBenchmark.class.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(TorchThreads.ENV);
        if (qprobeThreads != null) {
            builder.environment().put(TorchThreads.ENV, qprobeThreads);
        }
        builder.environment().remove("OMP_WAIT_POLICY");
        if (ompWaitPolicy != null) {
            builder.environment().put("OMP_WAIT_POLICY", ompWaitPolicy);
        }
        if (args.get(0).equals("--spin")) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return builder.start();
    }

    /** The child: samples test prompts (k = 48, KV cache) for {@code seconds} and prints its rate. */
    private static void child(double seconds) {
        ArithmeticTask task = ArithmeticTask.standard();
        List<Prompt> prompts = task.testPrompts();
        SamplingConfig config = SamplingConfig.of(48).withMaxTokens(task.maxCompletionChars());
        try (BuiltinModel model = BuiltinModel.load()) {
            model.sample(prompts.get(0).text(), config); // warm-up
            model.sample(prompts.get(1).text(), config);
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            int done = 0;
            while (System.nanoTime() < deadline) {
                model.sample(prompts.get(done % prompts.size()).text(), config);
                done++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT %.4f %s%n", done / elapsed, TorchThreads.configure());
        }
    }

    /** The competitor: {@code threads} threads of pure arithmetic until killed. */
    private static void spin(int threads) throws InterruptedException {
        List<Thread> spinners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                long x = 1;
                while (x != 0) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
            });
            thread.start();
            spinners.add(thread);
        }
        for (Thread thread : spinners) {
            thread.join();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
