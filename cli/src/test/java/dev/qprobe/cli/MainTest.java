package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.SampleSet;
import dev.qprobe.data.SyntheticSamples;
import dev.qprobe.io.SampleSetIO;
import dev.qprobe.probe.ProbeFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The command line as a user runs it, on files the test writes. */
class MainTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void trainOnBroughtFeaturesPrintsTheTableAndSavesProbes(@TempDir Path dir) throws Exception {
        SampleSet set = SyntheticSamples.generate(40, 16, 20, 0.3, 4);
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(set, npy, csv);
        Path out = dir.resolve("out");
        Run r = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective", "PG,MSE",
                "--lr", "1e-2", "--epochs", "40", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("oracle") && r.out().contains("PG(k=8,beta=1)"), r.out());
        Table table = Table.read().csv(out.resolve("results.csv").toFile());
        // k = 1, 2, 4, 8, 16 x 4 betas x 2 probes, one base row, 5 oracle rows.
        assertEquals(5 * 4 * 2 + 1 + 5, table.rowCount());
        ProbeFile.Saved pg = ProbeFile.read(out.resolve("probe-pg.json"));
        assertEquals(20, pg.probe().dim());
        assertEquals("PG(k=8,beta=1)", pg.provenance().get("objective"));
        assertTrue(pg.provenance().get("library").startsWith("qprobe "));
        // The saved probe scores exactly as the one that was trained (same file, read twice).
        assertArrayEquals(pg.probe().scores(set), ProbeFile.read(out.resolve("probe-pg.json")).probe().scores(set));
    }

    @Test
    void trainOnTheDjlBackendTrainsEveryObjective(@TempDir Path dir) throws Exception {
        SampleSet set = SyntheticSamples.generate(24, 8, 10, 0.3, 5);
        Path npy = dir.resolve("features.npy");
        Path csv = dir.resolve("samples.csv");
        SampleSetIO.save(set, npy, csv);
        Path out = dir.resolve("out");
        Run r = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective",
                "PG,MSE,CE,PAIRWISE", "--backend", "djl", "--device", "cpu", "--epochs", "10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("backend djl:cpu"), r.out());
        for (String name : new String[] {"pg", "mse", "ce", "pairwise"}) {
            assertEquals(10, ProbeFile.read(out.resolve("probe-" + name + ".json")).probe().dim());
        }
        Run unknown = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--backend", "tpu",
                "--out", out.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no probe backend named 'tpu'"), unknown.err());
    }

    @Test
    void badInputGetsOneClearLineAndExitCode2(@TempDir Path dir) throws Exception {
        Run missing = run("train", "--features", dir.resolve("nope.npy").toString(), "--samples", "x.csv");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        SampleSet set = SyntheticSamples.generate(6, 4, 3, 0.3, 4);
        Path npy = dir.resolve("f.npy");
        Path csv = dir.resolve("s.csv");
        SampleSetIO.save(set, npy, csv);
        Run objective = run("train", "--features", npy.toString(), "--samples", csv.toString(), "--objective", "XYZ",
                "--out", dir.resolve("o").toString());
        assertEquals(2, objective.code());
        assertTrue(objective.err().contains("unknown objective 'XYZ'"), objective.err());

        Files.writeString(csv, "prompt_id,reward\np0,1\n");
        Run rows = run("train", "--features", npy.toString(), "--samples", csv.toString());
        assertEquals(2, rows.code());
        assertTrue(rows.err().contains("f.npy") && rows.err().contains("s.csv"), rows.err());

        Run usage = run("train");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required options"), usage.err());
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertEquals(0, help.code());
        for (String command : new String[] {"demo", "train", "shell", "bench"}) {
            assertTrue(help.out().contains(command), help.out());
        }
        Run version = run("--version");
        assertTrue(version.out().startsWith("qprobe "), version.out());
        Run trainHelp = run("train", "--help");
        assertTrue(trainHelp.out().contains("--features") && trainHelp.out().contains("--objective"), trainHelp.out());
        assertEquals(2, run("bench", "nonsense").code());
    }

    @Test
    void kernelInstallWritesAKernelspecUnderThePrefixAndUninstallRemovesIt(@TempDir Path prefix) throws Exception {
        Run install = run("kernel", "install", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(0, install.code(), install.err());
        Path spec = prefix.resolve("share/jupyter/kernels/qprobe-test/kernel.json");
        String json = Files.readString(spec);
        assertTrue(json.contains("dev.qprobe.kernel.KernelMain") && json.contains("{connection_file}"), json);
        assertTrue(install.out().contains(spec.getParent().toString()), install.out());

        Run uninstall = run("kernel", "uninstall", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(0, uninstall.code(), uninstall.err());
        assertTrue(Files.notExists(spec.getParent()));
        Run again = run("kernel", "uninstall", "--prefix", prefix.toString(), "--name", "qprobe-test");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("no kernel named qprobe-test"), again.err());
        Run badName = run("kernel", "install", "--prefix", prefix.toString(), "--name", "../x");
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("not a kernel name"), badName.err());
    }
}
