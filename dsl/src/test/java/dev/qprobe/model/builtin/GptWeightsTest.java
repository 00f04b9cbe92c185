package dev.qprobe.model.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptWeightsTest {
    private static final GptConfig TINY = new GptConfig(CharTokenizer.VOCAB_SIZE, 16, 1, 16, 2, 32);

    @Test
    void weightsRoundTripBitExactly(@TempDir Path dir) throws IOException {
        GptWeights w = GptWeights.initial(TINY, 9);
        Path file = dir.resolve("w.bin");
        w.write(file);
        GptWeights back = GptWeights.read(file);
        assertEquals(TINY, back.config());
        for (String name : w.tensorNames()) {
            assertArrayEquals(w.tensor(name), back.tensor(name), name);
        }
        assertEquals(w.digest(), back.digest());
        assertEquals(TINY.parameterCount(), w.tensorNames().stream().mapToLong(n -> w.tensor(n).length).sum());
    }

    @Test
    void corruptedOrForeignFilesAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.bin");
        GptWeights.initial(TINY, 9).write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        var flipped = assertThrows(IOException.class, () -> GptWeights.read(file));
        assertTrue(flipped.getMessage().contains("checksum"), flipped.getMessage());
        Files.writeString(file, "not weights at all, just some text");
        var foreign = assertThrows(IOException.class, () -> GptWeights.read(file));
        assertTrue(foreign.getMessage().contains("bad magic"), foreign.getMessage());
    }

    @Test
    void trainingLowersTheLossAndIsReproducible() {
        List<String> corpus = List.of("ab ab ab\n", "ba ba\n", "aab\n");
        double[] losses = new double[2];
        GptTraining.Settings settings = new GptTraining.Settings(100, 8, 1e-2, 0.01, 10, 4);
        GptWeights a = GptTraining.train(corpus, TINY, settings, Device.cpu(), (step, steps, loss, tps) -> {
            if (step == 50) {
                losses[0] = loss;
            }
            losses[1] = loss;
        });
        assertTrue(losses[1] < 1.5, "a three-line corpus is easy to fit; loss " + losses[1]);
        GptWeights b = GptTraining.train(corpus, TINY, settings, Device.cpu(), (s, n, l, t) -> { });
        assertEquals(a.digest(), b.digest(), "same seed and corpus, same weights");
        var empty = assertThrows(IllegalArgumentException.class,
                () -> GptTraining.train(List.of(), TINY, settings, Device.cpu(), (s, n, l, t) -> { }));
        assertTrue(empty.getMessage().contains("empty corpus"));
    }

    @Test
    void tokenizerCoversPrintableAsciiAndNewline() {
        String text = "C 7+6=13 =933\n~ ";
        StringBuilder back = new StringBuilder();
        for (int t : CharTokenizer.encode(text)) {
            back.append(CharTokenizer.decode(t));
        }
        assertEquals(text, back.toString());
        assertEquals("", CharTokenizer.decode(CharTokenizer.BOS));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.encode("\t"));
    }
}
