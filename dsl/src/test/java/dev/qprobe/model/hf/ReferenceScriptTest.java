package dev.qprobe.model.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Debian's python3-torch is installed, hf_reference.py is run again and must reproduce the
 * committed fixtures: the script and the files checked against stay in step.
 */
class ReferenceScriptTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/hf_reference.py");

    @Test
    void theScriptReproducesTheCommittedFixtures(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && Files.isRegularFile(SCRIPT), "no /usr/bin/python3 or script");
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        assumeTrue(check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0, "no torch in /usr/bin/python3");
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), tmp.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertBytesEqual(tmp.resolve("tokenizer-cases.json"), HfFixtures.root().resolve("tokenizer-cases.json"));
        for (String name : new String[] {"gpt2-f32", "llama-bf16", "qwen2-f16", "mistral-sharded"}) {
            assertEquals(HfFixtures.json(HfFixtures.dir(name).resolve("expected.json")),
                    HfFixtures.json(tmp.resolve(name).resolve("expected.json")), name);
            for (String file : new String[] {"config.json", "tokenizer.json"}) {
                assertBytesEqual(tmp.resolve(name).resolve(file), HfFixtures.dir(name).resolve(file));
            }
        }
        assertBytesEqual(tmp.resolve("llama-bf16/model.safetensors"), HfFixtures.dir("llama-bf16").resolve("model.safetensors"));
    }

    private static void assertBytesEqual(Path made, Path committed) throws IOException {
        assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(made), made + " differs from " + committed);
    }
}
