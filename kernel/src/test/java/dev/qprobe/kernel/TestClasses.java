package dev.qprobe.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Classes made on the spot, for tests that add class directories and jars to an engine. */
public final class TestClasses {
    private TestClasses() {
    }

    /** Compiles {@code source}, a public class {@code name} (with its package), into the directory {@code classes}. */
    public static void compile(Path classes, String name, String source) throws IOException {
        compile(classes, name, source, classes);
    }

    /** {@link #compile(Path, String, String)} with the classes in {@code classPath} to compile against. */
    public static void compile(Path classes, String name, String source, Path classPath) throws IOException {
        Path src = Files.createTempDirectory("qprobe-test-src");
        Path file = src.resolve(name.substring(name.lastIndexOf('.') + 1) + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", classPath.toString(),
                file.toString());
        if (status != 0) {
            throw new IllegalStateException("javac failed on " + name);
        }
    }

    /** A jar of everything under {@code classes}. */
    public static void jar(Path jar, Path classes) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Path f : files) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
    }
}
