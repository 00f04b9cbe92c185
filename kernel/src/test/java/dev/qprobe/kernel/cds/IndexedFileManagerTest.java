package dev.qprobe.kernel.cds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.TestClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import jdk.jshell.execution.LocalExecutionControlProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package index and the compiler's file manager that trusts it. */
class IndexedFileManagerTest {
    @TempDir
    Path dir;

    /** A jar holding public class {@code name} that returns {@code value} from {@code v()}. */
    private Path jar(String file, String name, String value) throws IOException {
        Path classes = Files.createDirectories(dir.resolve(file + "-classes"));
        String pkg = name.substring(0, name.lastIndexOf('.'));
        String simple = name.substring(name.lastIndexOf('.') + 1);
        TestClasses.compile(classes, name, "package " + pkg + "; public class " + simple
                + " { public static String v() { return \"" + value + "\"; } }");
        Path jar = dir.resolve(file + ".jar");
        TestClasses.jar(jar, classes);
        return jar;
    }

    private static StandardJavaFileManager standard(List<Path> classPath) throws IOException {
        StandardJavaFileManager fm = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, Locale.ROOT,
                StandardCharsets.UTF_8);
        fm.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
        return fm;
    }

    private static List<String> listed(IndexedFileManager fm, String pkg) throws IOException {
        List<String> names = new ArrayList<>();
        for (JavaFileObject f : fm.list(StandardLocation.CLASS_PATH, pkg, Set.of(JavaFileObject.Kind.CLASS), false)) {
            String uri = f.toUri().toString(); // jar:file:///.../NAME.jar!/p/A.class
            names.add(fm.inferBinaryName(StandardLocation.CLASS_PATH, f) + "@"
                    + uri.substring(uri.lastIndexOf('/', uri.indexOf("!/")) + 1, uri.indexOf("!/")));
        }
        return names;
    }

    @Test
    void theIndexSaysWhichPackagesAJarHoldsWhileTheJarIsUnchanged() throws IOException {
        Path a = jar("a", "p.one.A", "a");
        Path b = jar("b", "q.B", "b");
        PackageIndex.of(List.of(a.toString(), b.toString(), dir.toString())).write(dir.resolve("packages.idx"));
        PackageIndex index = PackageIndex.read(dir.resolve("packages.idx"));
        assertEquals(Set.of("p.one"), index.packagesOf(a.toString()));
        assertEquals(Set.of("q"), index.packagesOf(b.toString()));
        assertNull(index.packagesOf(dir.toString()), "directories are not indexed: listing them is cheap");
        assertNull(index.packagesOf(dir.resolve("other.jar").toString()));
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 60_000));
        assertNull(index.packagesOf(b.toString()), "a jar changed since it was indexed is not trusted");

        Path multiRelease = dir.resolve("mr.jar");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(multiRelease))) {
            for (String name : List.of("s/D.class", "META-INF/versions/11/t/E.class",
                    "META-INF/versions/11/module-info.class", "META-INF/MANIFEST.MF")) {
                jar.putNextEntry(new java.util.jar.JarEntry(name));
                jar.closeEntry();
            }
        }
        assertEquals(Set.of("s", "t"), PackageIndex.of(List.of(multiRelease.toString())).packagesOf(multiRelease.toString()),
                "a multi-release jar's versioned classes count under their own package");

        Files.writeString(dir.resolve("damaged.idx"), "qprobe package index 1\njar twelve 3 " + a + "\n");
        assertTrue(PackageIndex.read(dir.resolve("damaged.idx")).isEmpty());
        assertTrue(PackageIndex.read(dir.resolve("missing.idx")).isEmpty());
    }

    @Test
    void aPackageIsListedFromTheJarsThatHoldItInClassPathOrder() throws IOException {
        Path first = jar("first", "p.A", "first");
        Path other = jar("other", "q.B", "other");
        Path second = jar("second", "p.A", "second");
        PackageIndex index = PackageIndex.of(List.of(first.toString(), other.toString(), second.toString()));
        try (IndexedFileManager fm = new IndexedFileManager(standard(List.of(first, other, second)), index)) {
            assertEquals(List.of("p.A@first.jar", "p.A@second.jar"), listed(fm, "p"));
            assertEquals(List.of(), listed(fm, "r"));
            assertEquals(2, fm.opened(), "the jar without package p was not opened");
            assertEquals(List.of("q.B@other.jar"), listed(fm, "q"));
            assertEquals(3, fm.opened());
        }
    }

    @Test
    void aJarRebuiltSinceItWasIndexedIsListedTheOrdinaryWay() throws IOException {
        Path jar = jar("lib", "p.A", "old");
        PackageIndex index = PackageIndex.of(List.of(jar.toString()));
        Files.delete(jar);
        Files.move(jar("rebuilt", "q.B", "new"), jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        try (IndexedFileManager fm = new IndexedFileManager(standard(List.of(jar)), index)) {
            assertEquals(List.of("q.B@lib.jar"), listed(fm, "q"));
            assertEquals(List.of(), listed(fm, "p"));
        }
    }

    @Test
    void jshellCompilesAgainstIndexedAndMultiReleaseJarsDirectoriesAndJarsAddedLater() throws IOException {
        Path indexed = jar("indexed", "lib.one.Indexed", "from an indexed jar");
        Path loose = Files.createDirectories(dir.resolve("loose"));
        TestClasses.compile(loose, "lib.two.Loose", "package lib.two; public class Loose { public static String v() {"
                + " return \"from a directory\"; } }");
        Path later = jar("later", "lib.three.Later", "from a jar added later");
        Path versioned = Files.createDirectories(dir.resolve("versioned"));
        TestClasses.compile(versioned, "lib.four.Versioned", "package lib.four; public class Versioned {"
                + " public static String v() { return \"from a multi-release jar\"; } }");
        Path multiRelease = dir.resolve("multi-release.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MULTI_RELEASE, "true");
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(multiRelease), manifest)) {
            jar.putNextEntry(new java.util.jar.JarEntry("META-INF/versions/11/lib/four/Versioned.class"));
            jar.write(Files.readAllBytes(versioned.resolve("lib/four/Versioned.class")));
            jar.closeEntry();
        }
        PackageIndex index = PackageIndex.of(List.of(indexed.toString(), multiRelease.toString()));
        try (JShell shell = JShell.builder().executionEngine(new LocalExecutionControlProvider(), Map.of())
                .fileManager(standard -> new IndexedFileManager(standard, index)).build()) {
            shell.addToClasspath(indexed + java.io.File.pathSeparator + loose + java.io.File.pathSeparator + multiRelease);
            assertEquals("\"from an indexed jar\"", value(shell, "lib.one.Indexed.v()"));
            assertEquals("\"from a directory\"", value(shell, "lib.two.Loose.v()"));
            assertEquals("3", value(shell, "java.util.List.of(1, 2, 3).size()"));
            assertEquals("\"from a multi-release jar\"", value(shell, "lib.four.Versioned.v()"));
            shell.addToClasspath(later.toString());
            assertEquals("\"from a jar added later\"", value(shell, "lib.three.Later.v()"));
            shell.eval("import lib.three.*;");
            assertEquals("\"from a jar added later\"", value(shell, "Later.v()"));
        }
    }

    private static String value(JShell shell, String source) {
        List<SnippetEvent> events = shell.eval(source);
        SnippetEvent e = events.get(0);
        Optional<String> problem = shell.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).findFirst();
        return e.value() != null ? e.value() : "no value: " + e.status() + " " + problem.orElse("") + " " + e.exception();
    }
}
