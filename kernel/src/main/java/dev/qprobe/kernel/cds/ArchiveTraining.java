package dev.qprobe.kernel.cds;

import dev.qprobe.kernel.KernelMain;
import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * What {@link ClassArchive#make} records: the classes a kernel and its engine load for the first
 * cells of a notebook. Run as {@code ArchiveTraining <engine JVM options...>} in a JVM that
 * records its own classes; the options (e.g. {@code -XX:DumpLoadedClassList=...}) go to the
 * engine's JVM.
 *
 * <p>It starts an engine as a kernel does and runs the cells notebooks begin with: values, text,
 * a table, a chart, a definition, a compile error, an exception, a completion. The kernel's
 * protocol classes (ours, JJava's, ZeroMQ's, Gson's) are loaded from their jars without running
 * them, since there is no front end to talk to here.
 */
public final class ArchiveTraining {
    private static final List<String> CELLS = List.of(
            "1 + 1",
            "System.out.println(\"hello\")",
            "var table = Table.create(\"t\", IntColumn.create(\"x\", 1, 2, 3), DoubleColumn.create(\"y\", 0.5, 1, 2));\ntable",
            "int twice(int x) { return 2 * x; }\ntwice(21)",
            "List.of(1, 2, 3).stream().map(String::valueOf).toList()",
            "Charts.lines(\"c\", \"x\", \"y\", Map.of(\"s\", List.of(Point.of(0, 0), Point.of(1, 1))))",
            "undefinedName + 1",
            "throw new IllegalStateException(\"expected\")");
    /** Classes whose jars are loaded whole: the kernel's and its protocol's. */
    private static final List<String> PROTOCOL_CLASSES = List.of(KernelMain.class.getName(), "org.zeromq.ZMQ",
            "com.google.gson.Gson", "org.dflib.jjava.jupyter.kernel.BaseKernel");

    private ArchiveTraining() {
    }

    public static void main(String[] engineOptions) throws IOException {
        int loaded = 0;
        for (String name : PROTOCOL_CLASSES) {
            loaded += loadJarOf(name);
        }
        try (JShellEvaluator evaluator = JShellEvaluator.withDsl(engineOptions)) {
            if (!evaluator.awaitStart()) {
                throw new IllegalStateException("the engine did not start");
            }
            for (String cell : CELLS) {
                EvalResult result = evaluator.eval(cell);
                if (cell.equals("1 + 1") && !result.value().equals(java.util.Optional.of("2"))) {
                    throw new IllegalStateException("the engine said " + result + " to 1 + 1");
                }
            }
            evaluator.complete("List.of(1).str", 14);
            evaluator.isComplete("for (int i = 0;");
        }
        System.out.println("loaded " + loaded + " protocol classes and ran " + CELLS.size() + " cells");
        System.exit(0);
    }

    /** Loads (without initializing) every class in the jar {@code className} comes from; returns how many. */
    private static int loadJarOf(String className) throws IOException {
        ClassLoader loader = ArchiveTraining.class.getClassLoader();
        Path jar;
        try {
            jar = Path.of(Class.forName(className, false, loader).getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            return 0; // not on this class path: nothing to record
        }
        if (!jar.toString().endsWith(".jar")) {
            return 0; // a classes directory (a test run): the archive skips those anyway
        }
        int count = 0;
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.contains("-")) { // not module-info or META-INF/versions
                    try {
                        Class.forName(entry.substring(0, entry.length() - 6).replace('/', '.'), false, loader);
                        count++;
                    } catch (ClassNotFoundException | LinkageError optionalDependencyMissing) {
                        // a class that needs a library we do not ship is not one the kernel loads
                    }
                }
            }
        }
        return count;
    }
}
