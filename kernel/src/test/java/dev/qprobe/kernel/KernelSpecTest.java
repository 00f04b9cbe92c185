package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qprobe.kernel.cds.ClassArchive;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {
    @TempDir
    Path kernels;

    @Test
    void installWritesKernelJsonAndLogo() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe", "/opt/jdk/bin/java", "/a.jar:/b.jar", false);
        assertEquals(kernels.resolve("qprobe"), dir);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        List<String> argv = spec.getAsJsonArray("argv").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals(List.of("/opt/jdk/bin/java", "--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-cp", "/a.jar:/b.jar",
                "dev.qprobe.kernel.KernelMain", "{connection_file}"), argv);
        assertEquals("Java (Q-probe)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());

        byte[] png = Files.readAllBytes(dir.resolve("logo-64x64.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage logo = ImageIO.read(dir.resolve("logo-64x64.png").toFile());
        assertEquals(64, logo.getWidth());
        assertEquals(64, logo.getHeight());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theKernelMapsTheClassArchiveOnlyWhenItIsWhole() throws Exception {
        Path fakeJava = kernels.resolve("fake-java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        assertTrue(fakeJava.toFile().setExecutable(true));
        Path dir = KernelSpec.install(kernels.resolve("Jupyter's kernels"), "qprobe", fakeJava.toString(), "/a.jar",
                true);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        List<String> argv = spec.getAsJsonArray("argv").asList().stream()
                .map(e -> e.getAsString().replace("{connection_file}", "/run/kernel-1.json")).toList();
        Path archive = dir.resolve(ClassArchive.FILE_NAME);
        List<String> plain = List.of("--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1",
                "-D" + KernelMain.ARCHIVE_PROPERTY + "=" + archive, "-cp", "/a.jar", "dev.qprobe.kernel.KernelMain",
                "/run/kernel-1.json");
        List<String> mapped = new ArrayList<>(ClassArchive.useOptions(archive));
        mapped.addAll(plain);

        assertEquals(plain, javaArguments(argv), "no archive yet");
        Files.write(archive, new byte[1000]);
        assertEquals(plain, javaArguments(argv), "an archive without its stamp may be half written");
        Files.writeString(archive.resolveSibling(ClassArchive.FILE_NAME + ".stamp"), "size=1000\nkey=k\n");
        assertEquals(mapped, javaArguments(argv), "whole, as its stamp says");
        Files.write(archive, new byte[999]);
        assertEquals(plain, javaArguments(argv), "cut short");
    }

    /** What the kernelspec's command line passes to its {@code java}, a script that prints its arguments. */
    private static List<String> javaArguments(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().toList();
    }

    @Test
    void aSecondInstallIsToldApartByItsDisplayName() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe-gpu", "/opt/jdk/bin/java", "/a.jar", false);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("Java (Q-probe, qprobe-gpu)", spec.get("display_name").getAsString());
        assertEquals("Java (Q-probe)", KernelSpec.displayName(KernelSpec.DEFAULT_NAME));
    }

    @Test
    void installUsesThisJvmAndUninstallRemovesTheDirectory() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe-dev", true);
        String json = Files.readString(dir.resolve("kernel.json"));
        assertTrue(json.contains("KernelMain"), json);
        KernelSpec.install(kernels, "qprobe-dev", false); // again: replaces
        assertTrue(KernelSpec.uninstall(kernels, "qprobe-dev"));
        assertFalse(Files.exists(dir));
        assertFalse(KernelSpec.uninstall(kernels, "qprobe-dev"));
    }

    @Test
    void aNameCannotLeaveTheKernelsDirectory() {
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.install(kernels, "../evil", false));
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.uninstall(kernels, ".."));
    }

    @Test
    void userKernelsDirFollowsJupyterConventions() {
        Path home = Path.of("/home/ada");
        assertEquals(Path.of("/data/jup/kernels"),
                KernelSpec.userKernelsDir(java.util.Map.of("JUPYTER_DATA_DIR", "/data/jup"), "Linux", home));
        assertEquals(Path.of("/xdg/jupyter/kernels"),
                KernelSpec.userKernelsDir(java.util.Map.of("XDG_DATA_HOME", "/xdg"), "Linux", home));
        assertEquals(home.resolve(".local/share/jupyter/kernels"), KernelSpec.userKernelsDir(java.util.Map.of(), "Linux", home));
        assertEquals(home.resolve("Library/Jupyter/kernels"), KernelSpec.userKernelsDir(java.util.Map.of(), "Mac OS X", home));
        assertEquals(Path.of("/opt/env/share/jupyter/kernels"), KernelSpec.prefixKernelsDir(Path.of("/opt/env")));
    }
}
