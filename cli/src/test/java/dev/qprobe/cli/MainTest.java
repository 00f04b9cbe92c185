package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.Probe;
import dev.qprobe.probe.ProbeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The command line as a user runs it, on files the test writes. */
class MainTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void trainOnBroughtFeaturesPrintsTheTableAndSavesProbes(@TempDir Path dir) throws Exception {
        SampleSet set = SyntheticSamples.generate(40, 16, 20, 0.3, 4);
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(set, npy, csv);
        Path out = dir.resolve("out");
        CliRun r = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective", "PG,MSE",
                "--lr", "1e-2", "--epochs", "40", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("oracle") && r.out().contains("PG(k=10,T=0.1)"), r.out());
        // The demo's compact summary and charts, not the long table (that stays in results.csv).
        assertTrue(r.out().contains("argmax selection (beta = 0), 95% CI") && r.out().contains("at k = 16, argmax vs base"),
                r.out());
        assertTrue(r.out().lines().count() < 40, "compact:\n" + r.out());
        for (String chart : new String[] {"reward-vs-k.png", "reward-vs-beta.svg", "loss.png"}) {
            assertTrue(Files.size(out.resolve(chart)) > 1000, chart);
        }
        Table table = Table.read().csv(out.resolve("results.csv").toFile());
        // k = 1, 2, 4, 8, 16 x 4 betas x 2 probes, one base row, 5 oracle rows.
        assertEquals(5 * 4 * 2 + 1 + 5, table.rowCount());
        Probe pg = ProbeFile.read(out.resolve("probes/pg.json"));
        assertEquals(20, pg.dim());
        assertEquals("PG(k=10,T=0.1)", pg.provenance().objective());
        assertEquals(npy.toString(), pg.provenance().features());
        assertTrue(pg.provenance().trainer().contains("learningRate=0.01"), pg.provenance().trainer());
        assertTrue(pg.provenance().library().startsWith("qprobe "));
        assertEquals(40, pg.provenance().train().samples() / 16 + pg.provenance().test().samples() / 16);
        // The saved probe scores exactly as the one that was trained (same file, read twice).
        assertArrayEquals(pg.scores(set), ProbeFile.read(out.resolve("probes/pg.json")).scores(set));
    }

    @Test
    void trainChecksEveryOptionAgainstTheDataBeforeTheFirstEpoch(@TempDir Path dir) throws Exception {
        // Rewards of 2 are outside [0, 1], so CE cannot train; prompts have 6 candidates, fewer than k = 64.
        SampleSet.Builder b = SampleSet.builder(3);
        for (int i = 0; i < 60; i++) {
            b.add("p" + i / 6, i % 3 == 0 ? 2.0 : i % 2, new float[] {i % 6, i % 7, 1});
        }
        Path npy = dir.resolve("f.npy");
        Path csv = dir.resolve("s.csv");
        SampleSetIO.save(b.build(), npy, csv);
        String[] data = {"train", "--features", npy.toString(), "--samples", csv.toString(), "--epochs", "3"};
        Path out = dir.resolve("out");
        for (String[] bad : new String[][] {{"--objective", "PG,FOO"}, {"--objective", "PG,PGG"},
                {"--objective", "MSE,CE"}, {"--objective", "MSE", "--ks", "1,64"}, {"--objective", "MSE,MSE"}}) {
            CliRun r = run(concat(data, bad, new String[] {"--out", out.toString()}));
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertTrue(Files.notExists(out.resolve("probes")) || Files.list(out.resolve("probes")).findAny().isEmpty(),
                    "nothing trained before " + String.join(" ", bad) + " was refused");
            assertTrue(r.err().lines().count() == 1, r.err());
        }
        assertTrue(run(concat(data, new String[] {"--objective", "PG,FOO"})).err().contains("unknown objective 'FOO'"));
        assertTrue(run(concat(data, new String[] {"--objective", "PG,PGG"})).err()
                .contains("unknown objective 'PGG' — did you mean PG?"));
        assertTrue(run(concat(data, new String[] {"--objective", "MSE", "--ks", "1,64"})).err()
                .contains("k = 64 exceeds the 6 candidates"));

        // PG with k_train 10 on prompts of 6 candidates: every prompt is skipped, and that is said, not hidden.
        CliRun pg = run(concat(data, new String[] {"--objective", "MSE,PG", "--k-train", "4", "--out", out.toString()}));
        assertEquals(0, pg.code(), pg.err());
        assertTrue(!pg.out().contains("note"), pg.out());
        SampleSet.Builder uneven = SampleSet.builder(2);
        for (int i = 0; i < 40; i++) {
            uneven.add(i < 30 ? "big" + i / 10 : "small" + i / 5, i % 2, new float[] {i % 2, 1});
        }
        SampleSetIO.save(uneven.build(), npy, csv);
        CliRun note = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--epochs", "3",
                "--test-fraction", "0.2", "--seed", "3", "--ks", "1,2", "--out", dir.resolve("o2").toString());
        assertEquals(0, note.code(), note.err());
        assertTrue(note.out().matches("(?s).*note   PG\\(k=10,T=0.1\\): \\d of \\d training prompts have fewer than "
                + "k_train = 10 candidates and are skipped.*"), note.out());
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void trainOnTheDjlBackendTrainsEveryObjective(@TempDir Path dir) throws Exception {
        SampleSet set = SyntheticSamples.generate(24, 10, 10, 0.3, 5);  // PG's k_train is 10
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(set, npy, csv);
        Path out = dir.resolve("out");
        CliRun r = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective",
                "PG,MSE,CE,PAIRWISE", "--backend", "djl", "--device", "cpu", "--epochs", "10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backend djl:cpu"), r.out());
        for (String name : new String[] {"pg", "mse", "ce", "pairwise"}) {
            assertEquals(10, ProbeFile.read(out.resolve("probes").resolve(name + ".json")).dim());
        }
        CliRun unknown = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--backend", "tpu",
                "--out", out.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no probe backend named 'tpu'"), unknown.err());
    }

    @Test
    void badInputGetsOneClearLineAndExitCode2(@TempDir Path dir) throws Exception {
        CliRun missing = run("train", "--features", dir.resolve("nope.npy").toString(), "--samples", "x.csv");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        SampleSet set = SyntheticSamples.generate(6, 4, 3, 0.3, 4);
        Path npy = dir.resolve("f.npy");
        Path csv = dir.resolve("s.csv");
        SampleSetIO.save(set, npy, csv);
        CliRun objective = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective", "XYZ",
                "--out", dir.resolve("o").toString());
        assertEquals(2, objective.code());
        assertTrue(objective.err().contains("unknown objective 'XYZ'"), objective.err());

        Files.writeString(csv, "prompt_id,reward\np0,1\n");
        CliRun rows = run("train", "--features", npy.toString(), "--samples", csv.toString());
        assertEquals(2, rows.code());
        assertTrue(rows.err().contains("f.npy") && rows.err().contains("s.csv"), rows.err());

        CliRun usage = run("train");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required options"), usage.err());
    }

    @Test
    void helpAndVersion() {
        CliRun help = run("--help");
        assertEquals(0, help.code());
        for (String command : new String[] {"demo", "train", "shell", "bench"}) {
            assertTrue(help.out().contains(command), help.out());
        }
        CliRun version = run("--version");
        assertTrue(version.out().startsWith("qprobe "), version.out());
        CliRun trainHelp = run("train", "--help");
        assertTrue(trainHelp.out().contains("--features") && trainHelp.out().contains("--objective"), trainHelp.out());
        assertEquals(2, run("bench", "nonsense").code());
    }

    @Test
    void kernelInstallWritesAKernelspecUnderThePrefixAndUninstallRemovesIt(@TempDir Path prefix) throws Exception {
        CliRun install = run("kernel", "install", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(0, install.code(), install.err());
        Path spec = prefix.resolve("share/jupyter/kernels/qprobe-test/kernel.json");
        String json = Files.readString(spec);
        assertTrue(json.contains("dev.qprobe.kernel.KernelMain") && json.contains("{connection_file}"), json);
        assertTrue(install.out().contains(spec.getParent().toString()), install.out());

        CliRun uninstall = run("kernel", "uninstall", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(0, uninstall.code(), uninstall.err());
        assertTrue(Files.notExists(spec.getParent()));
        CliRun again = run("kernel", "uninstall", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("no kernel named qprobe-test"), again.err());
        CliRun badName = run("kernel", "install", "--prefix", prefix.toString(), "--name", "../x");
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("not a kernel name"), badName.err());
    }
}
