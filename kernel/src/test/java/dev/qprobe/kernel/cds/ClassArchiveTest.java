package dev.qprobe.kernel.cds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When an archive counts as usable, without making one (EngineClassArchiveTest makes and maps one). */
class ClassArchiveTest {
    @TempDir
    Path dir;

    private ClassArchive archive() throws IOException {
        Path jar = dir.resolve("lib.jar");
        if (!Files.exists(jar)) {
            Files.write(jar, new byte[] {1, 2, 3});
        }
        return new ClassArchive(dir.resolve("spec").resolve(ClassArchive.FILE_NAME), "/opt/jdk/bin/java",
                List.of(jar.toString()));
    }

    private static void stamp(ClassArchive archive, long size, String key) throws IOException {
        Files.write(archive.stamp(), List.of("size=" + size, "key=" + key));
    }

    @Test
    void usableOnlyWithAStampThatMatchesItsSizeAndClassPath() throws IOException {
        ClassArchive archive = archive();
        assertFalse(archive.usable(), "nothing there");
        Files.createDirectories(archive.file().getParent());
        Files.write(archive.file(), new byte[4096]);
        assertFalse(archive.usable(), "no stamp: perhaps half written");
        stamp(archive, 4096, archive.key());
        assertTrue(archive.usable());
        assertEquals(ClassArchive.useOptions(archive.file()), archive.jvmOptions());
        assertTrue(archive.jvmOptions().contains("-Xshare:auto"), "the JVM falls back if it still refuses it");

        Files.write(archive.file(), new byte[2048]);
        assertFalse(archive.usable(), "cut short");
        assertEquals(List.of(), archive.jvmOptions());
        Files.write(archive.file(), new byte[4096]);
        stamp(archive, 4096, "0".repeat(64));
        assertFalse(archive.usable(), "made for another class path or JVM");
    }

    @Test
    void theKeyFollowsTheJarsAndTheJvm() throws IOException {
        ClassArchive archive = archive();
        String key = archive.key();
        assertEquals(key, archive().key(), "the same files give the same key");
        Path jar = Path.of(archive.classPath().get(0));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        assertNotEquals(key, archive.key(), "a rebuilt jar");
        assertNotEquals(archive.key(), new ClassArchive(archive.file(), "/other/java", archive.classPath()).key());
    }

    @Test
    void anUnwritablePlaceIsAnErrorThatLeavesNothingUsable() throws IOException {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");
        ClassArchive archive = new ClassArchive(notADirectory.resolve(ClassArchive.FILE_NAME), "/opt/jdk/bin/java",
                List.of());
        assertThrows(IOException.class, archive::make);
        assertFalse(archive.usable());
    }

    @Test
    void classListsAreMergedInOrderEachClassOnceWithoutComments() throws IOException {
        Path kernel = dir.resolve("kernel.classlist");
        Path engine = dir.resolve("engine.classlist");
        Files.write(kernel, List.of("# NOTE: do not modify", "java/lang/Object", "dev/qprobe/A", ""));
        Files.write(engine, List.of("java/lang/Object", "dev/qprobe/B"));
        assertEquals(List.of("java/lang/Object", "dev/qprobe/A", "dev/qprobe/B"),
                ClassArchive.mergeClassLists(kernel, engine));
        assertThrows(IOException.class, () -> ClassArchive.mergeClassLists(kernel, dir.resolve("missing")));
    }
}
