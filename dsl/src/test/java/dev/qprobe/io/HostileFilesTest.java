package dev.qprobe.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.SampleSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files as other tools write them: a JSONL with a byte order mark, NumPy's default float64. */
class HostileFilesTest {

    @Test
    void jsonLinesWithAByteOrderMarkRead(@TempDir Path dir) throws Exception {
        Path npy = dir.resolve("f.npy");
        Npy.write(npy, FeatureMatrix.wrap(new float[] {1, 2, 3, 4}, 2, 2, "test"));
        Path jsonl = dir.resolve("s.jsonl");
        Files.writeString(jsonl, "\uFEFF{\"prompt_id\": \"p\", \"reward\": 1}\n{\"prompt_id\": \"p\", \"reward\": 0}\n",
                StandardCharsets.UTF_8);
        SampleSet set = SampleSetIO.load(npy, jsonl);
        assertEquals(2, set.size());
        assertEquals("p", set.promptId(0));
    }

    @Test
    void float64IsNarrowedWithANoteAndOverflowIsNamed(@TempDir Path dir) throws Exception {
        Path npy = dir.resolve("f64.npy");
        Files.write(npy, float64Npy(new double[] {0.1, -2.5, 3e10, 7}, 2, 2));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        FeatureMatrix m;
        try {
            m = Npy.read(npy);
        } finally {
            System.setErr(err);
        }
        assertEquals(0.1f, m.get(0, 0));
        assertEquals(3e10f, m.get(1, 0));
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("float64 features; converted to float32"),
                captured.toString(StandardCharsets.UTF_8));

        Files.write(npy, float64Npy(new double[] {0, 1e300, 0, 0}, 2, 2));
        var tooBig = assertThrows(DataFormatException.class, () -> Npy.read(npy));
        assertTrue(tooBig.getMessage().contains("row 0, column 1"), tooBig.getMessage());
    }

    /** A version 1.0 '<f8' file as np.save writes one. */
    static byte[] float64Npy(double[] values, int rows, int cols) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int headerLength = 10 + dict.length() + 1;
        int padded = (headerLength + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        while (10 + header.length() + 1 < padded) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(padded + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
