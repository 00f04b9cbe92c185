package dev.qprobe.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.Version;
import dev.qprobe.kernel.TestClasses;
import dev.qprobe.kernel.engine.EngineInfo;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.InputSource;
import dev.qprobe.kernel.eval.IsComplete;
import dev.qprobe.kernel.eval.JShellEvaluator;
import dev.qprobe.kernel.magic.Magics.Line;
import dev.qprobe.kernel.magic.Magics.Parsed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Parsing on its own; running against one engine, with a working directory holding a jar of a class made here. */
@Timeout(120)
class MagicsTest {
    @TempDir
    static Path dir;
    private static JShellEvaluator shell;
    private static Magics magics;

    @BeforeAll
    static void start() throws Exception {
        shell = JShellEvaluator.withDsl("-Xmx256m");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        TestClasses.compile(classes, "qprobe.magic.Jarred",
                "package qprobe.magic; public class Jarred { public static String where() { return \"in a jar\"; } }");
        Files.createDirectories(dir.resolve("lib"));
        TestClasses.jar(dir.resolve("lib/jarred.jar"), classes);
        Files.writeString(dir.resolve("lib/notes.txt"), "not a jar");
        magics = new Magics(shell, dir);
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static EvalResult run(String cell) {
        return magics.run(cell, null, null, null, InputSource.none("no input in this test"));
    }

    private static CellError magicError(String cell) {
        EvalResult r = run(cell);
        CellError e = r.error().orElseThrow(() -> new AssertionError(cell + " should have failed"));
        assertEquals(CellError.Kind.MAGIC, e.kind(), e::toString);
        return e;
    }

    // ---- parsing ----

    @Test
    void magicLinesComeOffTheTopAndTheJavaKeepsItsLines() throws MagicException {
        Parsed p = magics.parse("%%time\n// load the jars\n%classpath lib/*.jar \"dir with space\" a:b\n\n%version\nint x = 1;\nx");
        assertTrue(p.timed());
        assertEquals(List.of(new Line("classpath", List.of("lib/*.jar", "dir with space", "a:b"), 3),
                new Line("version", List.of(), 5)), p.magics());
        assertEquals("\n// load the jars\n\n\n\nint x = 1;\nx", p.java());
        assertEquals(7, p.java().split("\n", -1).length);
        Parsed plain = magics.parse("int y = 10 %\n  3;\n% 2");
        assertEquals(List.of(), plain.magics(), "a % after the Java starts is Java");
        assertEquals("int y = 10 %\n  3;\n% 2", plain.java());
    }

    @Test
    void badMagicLinesSayWhatIsWrong() {
        String unknown = assertThrows(MagicException.class, () -> magics.parse("%load x")).getMessage();
        assertTrue(unknown.contains("unknown magic %load") && unknown.contains("%classpath, %jars, %lsmagic,"
                + " %version, %maven and %%time"), unknown);
        String cell = assertThrows(MagicException.class, () -> magics.parse("%%bash\nls")).getMessage();
        assertTrue(cell.contains("unknown cell magic %%bash"), cell);
        String late = assertThrows(MagicException.class, () -> magics.parse("%version\n%%time\n1")).getMessage();
        assertTrue(late.contains("%%time must be the first line"), late);
        String afterJava = assertThrows(MagicException.class, () -> magics.parse("int a = 1;\n%version")).getMessage();
        assertTrue(afterJava.contains("line 2") && afterJava.contains("before its Java"), afterJava);
        String quote = assertThrows(MagicException.class, () -> magics.parse("%jars \"lib/a.jar")).getMessage();
        assertTrue(quote.contains("quote"), quote);
    }

    @Test
    void wallTimeReads() {
        assertEquals("412 ms", TimeMagic.format(Duration.ofMillis(412)));
        assertEquals("3.25 s", TimeMagic.format(Duration.ofMillis(3250)));
        assertEquals("2 min 5.0 s", TimeMagic.format(Duration.ofMillis(125_000)));
    }

    // ---- running ----

    @Test
    void jarsAddsAGlobsJarsAndTheJavaBelowUsesThem() {
        EvalResult r = run("%jars lib/*.jar\nqprobe.magic.Jarred.where()");
        assertTrue(r.ok(), () -> r.error().toString());
        assertEquals("in a jar", r.display().get("text/plain"));
        assertEquals("Added to the class path: " + dir.resolve("lib/jarred.jar") + "\n", r.stdout());
        assertTrue(shell.addedClassPath().contains(dir.resolve("lib/jarred.jar").toString()));
    }

    @Test
    void aMissingPathIsAnErrorNamingItAndNothingRuns() {
        EvalResult r = run("%classpath lib/missing.jar\nSystem.out.println(\"ran\");");
        CellError e = r.error().orElseThrow();
        assertEquals(CellError.Kind.MAGIC, e.kind());
        assertTrue(e.message().contains("lib/missing.jar does not exist"), e.message());
        assertFalse(r.stdout().contains("ran"));
        assertTrue(magicError("%classpath build/*.jar").message().contains("nothing matches build/*.jar"));
        assertTrue(magicError("%classpath").message().contains("needs at least one jar"));
    }

    @Test
    void timeRunsTheCellThenPrintsItsWallTime() {
        List<String> streamed = new ArrayList<>();
        EvalResult r = magics.run("%%time\nSystem.out.println(\"working\");\n6 * 7", streamed::add, null, null,
                InputSource.none("none"));
        assertEquals(Optional.of("42"), r.value());
        assertTrue(r.stdout().matches("working\nWall time: \\d+(\\.\\d+)? m?s\n"), r.stdout());
        assertEquals(r.stdout(), String.join("", streamed), "all of it streamed, in order");
        CellError e = run("%%time\nint a = 1;\nString b = 2;").error().orElseThrow();
        assertTrue(e.message().startsWith("line 3"), "the Java's lines are the cell's: " + e.message());
    }

    @Test
    void versionNamesTheLibraryJavaTheDeviceAndTheProbeBackend() {
        EvalResult r = run("%version");
        assertTrue(r.ok(), () -> r.error().toString());
        List<String> lines = r.stdout().lines().toList();
        assertEquals("Q-probe " + Version.get(), lines.get(0));
        assertTrue(lines.get(1).startsWith("Java " + Runtime.version() + " ("), lines.get(1));
        assertTrue(lines.get(2).matches("Built-in model device: (CPU|GPU \\d+) \\(PyTorch .*"), lines.get(2));
        assertTrue(lines.get(3).startsWith("probe backend (auto): "), lines.get(3));
        assertEquals(EngineInfo.describe(), r.stdout(), "the engine's JVM sees what this one does");
    }

    @Test
    void lsmagicListsEveryMagic() {
        EvalResult r = run("%lsmagic");
        for (String magic : List.of("%classpath", "%jars", "%lsmagic", "%version", "%maven", "%%time")) {
            assertTrue(r.stdout().contains(magic + " "), magic);
        }
        assertTrue(run("%lsmagic\n1 + 1").stdout().startsWith("Line magics"), "line magics first, then Java");
        assertEquals(Optional.of("2"), run("%lsmagic\n1 + 1").value());
    }

    @Test
    void anUnknownMagicListsTheKnownOnes() {
        CellError e = magicError("%matplotlib inline\n1");
        assertTrue(e.message().contains("%matplotlib") && e.message().contains("%lsmagic"), e.message());
    }

    @Test
    void consolesKnowWhenAMagicCellIsComplete() {
        assertEquals(IsComplete.INCOMPLETE, magics.isComplete("%%time"), "%%time waits for its code");
        assertEquals(IsComplete.INCOMPLETE, magics.isComplete("%%time\nint x ="));
        assertEquals(IsComplete.COMPLETE, magics.isComplete("%%time\nint x = 1;"));
        assertEquals(IsComplete.COMPLETE, magics.isComplete("%version"));
        assertEquals(IsComplete.INCOMPLETE, magics.isComplete("%jars lib/*.jar\nvoid f() {"));
        assertEquals(IsComplete.COMPLETE, magics.isComplete("%nosuch"), "running it says what is wrong");
    }
}
