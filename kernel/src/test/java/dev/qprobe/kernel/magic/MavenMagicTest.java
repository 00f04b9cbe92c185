package dev.qprobe.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.TestClasses;
import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import dev.qprobe.kernel.eval.InputSource;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %maven} against a file repository made here (no network): lib-a depends on lib-b, whose
 * class lib-a's uses; lib-c depends on a gson version the kernel does not ship. The user's
 * settings are a settings.xml with a mirror of everything onto that repository.
 */
@Timeout(180)
class MavenMagicTest {
    @TempDir
    static Path dir;
    private static JShellEvaluator shell;
    private static Magics magics;
    private static Path repository;

    @BeforeAll
    static void start() throws Exception {
        repository = dir.resolve("repo");
        publish("lib-b", "2.0", "qprobe.maven.B", "package qprobe.maven; public class B { public static int two() { return 2; } }",
                List.of());
        publish("lib-a", "1.0", "qprobe.maven.A",
                "package qprobe.maven; public class A { public static int three() { return 1 + B.two(); } }",
                List.of("org.example:lib-b:2.0"));
        publish("lib-c", "1.0", "qprobe.maven.C", "package qprobe.maven; public class C { }",
                List.of("com.google.code.gson:gson:1.1"));
        Path gson = repository.resolve("com/google/code/gson/gson/1.1");
        Files.createDirectories(gson);
        Files.write(gson.resolve("gson-1.1.jar"), Files.readAllBytes(repository.resolve("org/example/lib-c/1.0/lib-c-1.0.jar")));
        Files.writeString(gson.resolve("gson-1.1.pom"), pom("com.google.code.gson", "gson", "1.1", List.of()));
        Path settings = Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>test-files</id><url>%s</url><mirrorOf>*</mirrorOf></mirror></mirrors>
                </settings>
                """.formatted(dir.resolve("local"), repository.toUri()));
        shell = JShellEvaluator.withDsl("-Xmx256m");
        MagicRegistry registry = MagicRegistry.of(
                List.of(new MavenMagic(() -> MavenResolver.fromSettings(settings, dir.resolve("unused")))), List.of());
        magics = new Magics(shell, dir, registry);
    }

    /** Compiles {@code source} into a jar and writes its POM with {@code dependencies} into the file repository. */
    private static void publish(String artifact, String version, String className, String source, List<String> deps)
            throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes-" + artifact));
        Path b = dir.resolve("classes-lib-b");
        TestClasses.compile(classes, className, source, b);
        Path folder = Files.createDirectories(repository.resolve("org/example/" + artifact + "/" + version));
        TestClasses.jar(folder.resolve(artifact + "-" + version + ".jar"), classes);
        Files.writeString(folder.resolve(artifact + "-" + version + ".pom"), pom("org.example", artifact, version, deps));
    }

    private static String pom(String group, String artifact, String version, List<String> deps) {
        StringBuilder d = new StringBuilder();
        for (String dep : deps) {
            String[] gav = dep.split(":");
            d.append("<dependency><groupId>").append(gav[0]).append("</groupId><artifactId>").append(gav[1])
                    .append("</artifactId><version>").append(gav[2]).append("</version></dependency>");
        }
        return "<project><modelVersion>4.0.0</modelVersion><groupId>" + group + "</groupId><artifactId>" + artifact
                + "</artifactId><version>" + version + "</version><dependencies>" + d + "</dependencies></project>";
    }

    @AfterAll
    static void stop() {
        shell.close();
    }

    private static EvalResult run(String cell) {
        return magics.run(cell, null, null, null, InputSource.none("no input in this test"));
    }

    @Test
    void anArtifactComesWithItsDependenciesAndStaysAfterARestart() {
        EvalResult r = run("%maven org.example:lib-a:1.0\nqprobe.maven.A.three()");
        assertTrue(r.ok(), () -> r.error().toString() + r.stdout());
        assertEquals("3", r.display().get("text/plain"));
        assertTrue(r.stdout().startsWith("Added to the class path:\n  org.example:lib-a:1.0  "), r.stdout());
        assertTrue(r.stdout().contains("org.example:lib-b:2.0  " + dir.resolve("local")), r.stdout());
        shell.restart();
        EvalResult after = run("qprobe.maven.B.two()");
        assertTrue(after.ok(), () -> after.error().toString());
        assertEquals("2", after.display().get("text/plain"));
    }

    @Test
    void aVersionOfWhatTheKernelShipsIsReportedNotAdded() {
        EvalResult r = run("%maven org.example:lib-c:1.0");
        assertTrue(r.ok(), () -> r.error().toString());
        assertTrue(r.stdout().contains("Version conflicts, not added:\n  com.google.code.gson:gson:1.1 (the kernel ships"
                + " gson "), r.stdout());
        assertFalse(shell.addedClassPath().stream().anyMatch(p -> p.contains("gson-1.1")), "not on the class path");
    }

    @Test
    void aMissingArtifactNamesItselfAndTheRepositoriesTried() {
        CellError e = run("%maven org.example:nowhere:9.9\n1").error().orElseThrow();
        assertEquals(CellError.Kind.MAGIC, e.kind());
        assertTrue(e.message().contains("cannot resolve org.example:nowhere:9.9"), e.message());
        assertTrue(e.message().contains("test-files " + repository.toUri()), e.message());
        assertTrue(run("%maven junk").error().orElseThrow().message().contains("junk is not group:artifact:version"));
    }
}
