package dev.qprobe.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {
    @TempDir
    Path kernels;

    @Test
    void installWritesKernelJsonAndLogo() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe", "/opt/jdk/bin/java", "/a.jar:/b.jar");
        assertEquals(kernels.resolve("qprobe"), dir);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        List<String> argv = spec.getAsJsonArray("argv").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals(List.of("/opt/jdk/bin/java", "--add-modules=jdk.incubator.vector", "-cp", "/a.jar:/b.jar",
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
    void aSecondInstallIsToldApartByItsDisplayName() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe-gpu", "/opt/jdk/bin/java", "/a.jar");
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("Java (Q-probe, qprobe-gpu)", spec.get("display_name").getAsString());
        assertEquals("Java (Q-probe)", KernelSpec.displayName(KernelSpec.DEFAULT_NAME));
    }

    @Test
    void installUsesThisJvmAndUninstallRemovesTheDirectory() throws IOException {
        Path dir = KernelSpec.install(kernels, "qprobe-dev");
        String json = Files.readString(dir.resolve("kernel.json"));
        assertTrue(json.contains("KernelMain"), json);
        KernelSpec.install(kernels, "qprobe-dev"); // again: replaces
        assertTrue(KernelSpec.uninstall(kernels, "qprobe-dev"));
        assertFalse(Files.exists(dir));
        assertFalse(KernelSpec.uninstall(kernels, "qprobe-dev"));
    }

    @Test
    void aNameCannotLeaveTheKernelsDirectory() {
        assertThrows(IllegalArgumentException.class, () -> KernelSpec.install(kernels, "../evil"));
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
