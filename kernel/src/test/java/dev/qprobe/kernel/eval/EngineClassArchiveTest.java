package dev.qprobe.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.kernel.TestClasses;
import dev.qprobe.kernel.cds.ClassArchive;
import dev.qprobe.kernel.engine.EngineAgent;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive for real: made by {@link ClassArchive#make}, mapped by an engine's JVM, and
 * left alone, without a word, once it is cut short, damaged or made for other jars.
 */
class EngineClassArchiveTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    @EnabledOnOs(OS.LINUX) // reads the engine's command line from /proc
    void anEngineMapsTheArchiveAndStartsWithoutItWhenItIsDamagedOrStale() throws Exception {
        List<String> classPath = jarredClassPath(dir.resolve("jars"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ClassArchive archive = new ClassArchive(dir.resolve("kernelspec").resolve(ClassArchive.FILE_NAME), java,
                classPath);
        assertFalse(archive.usable(), "none yet");
        assertEquals(List.of(), archive.jvmOptions());

        assertTrue(archive.make());
        assertTrue(archive.usable());
        assertNotNull(archive.packageIndex().packagesOf(classPath.get(0)), "the package index is made beside it");
        byte[] whole = Files.readAllBytes(archive.file());
        assertTrue(whole.length > 1_000_000, "an archive of " + whole.length + " bytes");
        Engine mapped = runEngine(classPath, archive, "mapped");
        assertEquals(Optional.of(archive.file().toString()), mapped.archiveOption, mapped.commandLine);
        assertTrue(mapped.agentSource.contains("shared objects file"), mapped.agentSource);

        writeOver(archive.file(), Arrays.copyOf(whole, whole.length / 2));
        assertFalse(archive.usable(), "cut short");
        Engine cut = runEngine(classPath, archive, "cut");
        assertEquals(Optional.empty(), cut.archiveOption, cut.commandLine);
        assertTrue(cut.agentSource.contains(".jar"), cut.agentSource);

        byte[] damaged = whole.clone();
        for (int i = whole.length / 2; i < whole.length / 2 + 65_536; i++) {
            damaged[i] ^= 0x5a;
        }
        writeOver(archive.file(), damaged);
        assertTrue(archive.usable(), "the size is right, so the JVM's own checksums must catch it");
        Engine refused = runEngine(classPath, archive, "damaged");
        assertEquals(Optional.of(archive.file().toString()), refused.archiveOption, refused.commandLine);
        assertTrue(refused.agentSource.contains(".jar"), refused.agentSource);

        writeOver(archive.file(), whole);
        assertTrue(archive.usable());
        Path jar = Path.of(classPath.get(0));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertFalse(archive.usable(), "a rebuilt jar makes the archive stale");
    }

    /** What an engine's JVM was started with, and where it loaded our agent from. */
    private record Engine(String commandLine, Optional<String> archiveOption, String agentSource) {
    }

    /** Starts an engine as the kernel does, runs a cell in it, and reads its command line and class log. */
    private Engine runEngine(List<String> classPath, ClassArchive archive, String name) throws IOException {
        Path log = dir.resolve(name + "-classes.log");
        String commandLine;
        try (JShellEvaluator evaluator = new JShellEvaluator(classPath, List.of("java.util.*"),
                List.of("-Xlog:class+load=info:file=" + log), List.of(), List.of(), r -> new Thread(r).start(),
                archive::jvmOptions, archive.packageIndex())) {
            EvalResult r = evaluator.eval("List.of(1, 2).size()");
            assertEquals(Optional.of("2"), r.value(), () -> name + ": " + r.error());
            // From /proc: ProcessHandle.Info leaves out the arguments of a command line this long.
            commandLine = ProcessHandle.current().descendants().map(p -> commandLine(p.pid()))
                    .filter(line -> line.contains(EngineAgent.class.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no engine among this JVM's child processes"));
        }
        Optional<String> option = List.of(commandLine.split(" ")).stream()
                .filter(a -> a.startsWith("-XX:SharedArchiveFile=")).map(a -> a.substring(a.indexOf('=') + 1))
                .findFirst();
        String agent = Files.readAllLines(log).stream()
                .filter(l -> l.contains(" " + EngineAgent.class.getName() + " source:")).findFirst()
                .orElse("no line for the agent in " + log);
        return new Engine(commandLine, option, agent);
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException ended) {
            return "";
        }
    }

    /** Replaces a read-only archive's bytes, as damage on disk would. */
    private static void writeOver(Path file, byte[] bytes) throws IOException {
        assertTrue(file.toFile().setWritable(true));
        Files.write(file, bytes);
    }

    /**
     * This test's class path with its class directories made jars: an archive leaves out classes
     * from directories (its dump refuses them), where the kernel's own class path is all jars.
     */
    private static List<String> jarredClassPath(Path jars) throws IOException {
        Files.createDirectories(jars);
        List<String> classPath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                classPath.add(entry);
            } else if (!p.getFileName().toString().equals("test-classes")) {
                Path jar = jars.resolve((n++) + "-" + p.getParent().getFileName() + ".jar");
                TestClasses.jar(jar, p);
                classPath.add(0, jar.toString());
            }
        }
        return classPath;
    }
}
