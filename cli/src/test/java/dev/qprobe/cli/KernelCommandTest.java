package dev.qprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCommandTest {
    @Test
    void aNamedInstallHasItsOwnDisplayNameAndSaysWhichJupyterPathFindsIt(@TempDir Path prefix) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(new String[] {"kernel", "install", "--prefix", prefix.toString(), "--name", "gpu-box",
                "--no-class-archive"});
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        String json = Files.readString(prefix.resolve("share/jupyter/kernels/gpu-box/kernel.json"));
        assertTrue(json.contains("\"display_name\": \"Java (Q-probe, gpu-box)\""), json);
        Path data = prefix.toAbsolutePath().normalize().resolve("share/jupyter");
        assertTrue(printed.contains("installed kernel \"Java (Q-probe, gpu-box)\" (gpu-box)"), printed);
        assertTrue(printed.contains("export JUPYTER_PATH=" + data + "${JUPYTER_PATH:+:$JUPYTER_PATH}"), printed);
    }
}
