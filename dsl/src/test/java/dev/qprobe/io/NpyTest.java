package dev.qprobe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    // ---- building .npy bytes by hand, independently of Npy.header ----

    /** Magic, version, little-endian header length (u16 for 1.x, u32 otherwise), header text, data. */
    private static byte[] npy(int major, int minor, String dict, byte[] data) {
        byte[] text = (dict + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    private static String dict(String descr, int rows, int dim) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
    }

    private static byte[] f4(ByteOrder order, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static byte[] f2(ByteOrder order, int... halves) {
        ByteBuffer b = ByteBuffer.allocate(halves.length * 2).order(order);
        for (int h : halves) {
            b.putShort((short) h);
        }
        return b.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "index " + i);
        }
    }

    /** Reads {@code bytes} as a .npy file and returns the error message, checking it names the file. */
    private String readError(byte[] bytes) throws IOException {
        Path f = file("bad.npy", bytes);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    // ---- float16 ----

    /** The textbook definition: (-1)^s * 2^(e-15) * 1.m, or 2^-14 * 0.m for subnormals. */
    private static float referenceHalf(int bits) {
        int sign = bits >>> 15;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        double magnitude;
        if (exponent == 31) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exponent == 0) {
            magnitude = Math.scalb((double) mantissa, -24);
        } else {
            magnitude = Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
        }
        return (float) (sign == 1 ? -magnitude : magnitude);
    }

    @Test
    void halfToFloatMatchesTheDefinitionForAllBitPatterns() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float actual = HalfFloats.f16ToFloat((short) bits);
            float expected = referenceHalf(bits);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(actual), Integer.toHexString(bits));
                // Sign and payload survive: the 10 mantissa bits become the top of the 23.
                int expectedBits = ((bits & 0x8000) << 16) | 0x7F80_0000 | ((bits & 0x3FF) << 13);
                assertEquals(expectedBits, Float.floatToRawIntBits(actual), Integer.toHexString(bits));
            } else {
                // Raw bits, so that -0.0 and 0.0 are told apart.
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        Integer.toHexString(bits));
            }
        }
    }

    @Test
    void halfToFloatKnownValues() {
        assertEquals(1.0f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertEquals(-2.0f, HalfFloats.f16ToFloat((short) 0xC000));
        assertEquals(65504.0f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));
        assertEquals(0x1p-14f - 0x1p-24f, HalfFloats.f16ToFloat((short) 0x03FF)); // largest subnormal
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat((short) 0x0400)); // smallest normal
        assertEquals(0.333251953125f, HalfFloats.f16ToFloat((short) 0x3555));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
        assertEquals(0x8000_0000, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000)));
        assertEquals(0, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0)));
    }

    // ---- reading ----

    @Test
    void readsLittleEndianFloat32() throws IOException {
        float[] values = {1.5f, -2f, 0f, 3.25f, 1e-30f, -7f};
        FeatureMatrix m = Npy.read(file("a.npy", npy(1, 0, dict("<f4", 2, 3), f4(ByteOrder.LITTLE_ENDIAN, values))));
        assertEquals(2, m.rows());
        assertEquals(3, m.dim());
        assertBitsEqual(values, m.array());
        assertEquals(-7f, m.get(1, 2));
    }

    @Test
    void readsBigEndianFloat32() throws IOException {
        float[] values = {1.5f, -2f, 123456.78f, Float.MIN_VALUE};
        FeatureMatrix m = Npy.read(file("be.npy", npy(1, 0, dict(">f4", 2, 2), f4(ByteOrder.BIG_ENDIAN, values))));
        assertBitsEqual(values, m.array());
    }

    @Test
    void readsFloat16InBothByteOrders() throws IOException {
        int[] halves = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x3555};
        float[] expected = {1f, -2f, 65504f, 0x1p-24f, -0f, 0.333251953125f};
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            String descr = order == ByteOrder.LITTLE_ENDIAN ? "<f2" : ">f2";
            FeatureMatrix m = Npy.read(file("h.npy", npy(1, 0, dict(descr, 3, 2), f2(order, halves))));
            assertEquals(3, m.rows());
            assertBitsEqual(expected, m.array());
        }
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        float[] values = {1f, 2f, 3f};
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, values);
        assertBitsEqual(values, Npy.read(file("v2.npy", npy(2, 0, dict("<f4", 1, 3), data))).array());
        assertBitsEqual(values, Npy.read(file("v3.npy", npy(3, 0, dict("<f4", 3, 1), data))).array());
    }

    @Test
    void acceptsNativeAndNotApplicableByteOrderMarksAsLittleEndian() throws IOException {
        float[] values = {4f, 5f};
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, values);
        assertBitsEqual(values, Npy.read(file("p.npy", npy(1, 0, dict("|f4", 1, 2), data))).array());
        assertBitsEqual(values, Npy.read(file("e.npy", npy(1, 0, dict("=f4", 1, 2), data))).array());
    }

    @Test
    void parsesHeaderVariants() throws IOException {
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, 1f, 2f);
        // Other key order, double quotes, no trailing comma, Python 2 long suffix, padding.
        String dict = "{\"shape\":(1L,2L),\"fortran_order\":False,\"descr\":\"<f4\"}" + " ".repeat(40);
        assertBitsEqual(new float[] {1f, 2f}, Npy.read(file("v.npy", npy(1, 0, dict, data))).array());
    }

    @Test
    void readsAnEmptyArray() throws IOException {
        FeatureMatrix m = Npy.read(file("empty.npy", npy(1, 0, dict("<f4", 0, 7), new byte[0])));
        assertEquals(0, m.rows());
        assertEquals(7, m.dim());
    }

    @Test
    void readsArraysSpanningSeveralChunks() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        int dim = 1024;
        int rows = Npy.CHUNK_BYTES / (dim * 4) + 3; // float32: just over one chunk
        float[] values = new float[rows * dim];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        FeatureMatrix m = Npy.read(file("big.npy", npy(1, 0, dict("<f4", rows, dim), f4(ByteOrder.LITTLE_ENDIAN, values))));
        assertBitsEqual(values, m.array());

        int halfRows = Npy.CHUNK_BYTES / (dim * 2) + 5; // float16: just over one chunk
        int[] halves = new int[halfRows * dim];
        float[] expected = new float[halves.length];
        for (int i = 0; i < halves.length; i++) {
            int h = rng.nextInt(0x10000);
            if ((h & 0x7C00) == 0x7C00) {
                h &= ~0x4000; // keep clear of Inf/NaN, which the matrix rejects
            }
            halves[i] = h;
            expected[i] = referenceHalf(h);
        }
        m = Npy.read(file("bigh.npy", npy(1, 0, dict(">f2", halfRows, dim), f2(ByteOrder.BIG_ENDIAN, halves))));
        assertBitsEqual(expected, m.array());
    }

    // ---- writing ----

    @Test
    void writerOutputIsReadBackBitExactly() throws IOException {
        float[] values = {0f, -0f, 1f, -1.5f, Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, 3e-39f, 12345.678f, 7f};
        FeatureMatrix m = FeatureMatrix.wrap(values.clone(), 5, 2, "test");
        Path f = dir.resolve("out.npy");
        Npy.write(f, m);
        FeatureMatrix back = Npy.read(f);
        assertEquals(5, back.rows());
        assertEquals(2, back.dim());
        assertBitsEqual(values, back.array());
    }

    @Test
    void writerProducesAVersion1HeaderPaddedTo64Bytes() throws IOException {
        for (int[] shape : new int[][] {{5, 2}, {0, 1}, {100_000, 4096}, {123456789, 17}}) {
            byte[] header = Npy.header(shape[0], shape[1]);
            assertEquals(0, header.length % 64, Arrays.toString(shape));
            assertEquals((byte) 0x93, header[0]);
            assertEquals("NUMPY", new String(header, 1, 5, StandardCharsets.ISO_8859_1));
            assertEquals(1, header[6]);
            assertEquals(0, header[7]);
            int length = (header[8] & 0xFF) | (header[9] & 0xFF) << 8;
            assertEquals(header.length - 10, length);
            String text = new String(header, 10, length, StandardCharsets.ISO_8859_1);
            assertTrue(text.endsWith("\n"));
            assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape[0] + ", " + shape[1] + "), }",
                    text.strip());
        }
        Path f = dir.resolve("h.npy");
        Npy.write(f, FeatureMatrix.wrap(new float[] {1f, 2f, 3f}, 1, 3, "test"));
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(128 + 12, bytes.length); // the dict alone is 60 characters, so NumPy's header is 128 bytes too
        assertArrayEquals(f4(ByteOrder.LITTLE_ENDIAN, 1f, 2f, 3f), Arrays.copyOfRange(bytes, 128, bytes.length));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path f = file("x.npy", new byte[] {1, 2, 3});
        Npy.write(f, FeatureMatrix.wrap(new float[] {9f}, 1, 1, "test"));
        assertEquals(9f, Npy.read(f).get(0, 0));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count());
        }
    }

    // ---- errors ----

    @Test
    void rejectsBadMagic() throws IOException {
        byte[] bytes = npy(1, 0, dict("<f4", 1, 1), f4(ByteOrder.LITTLE_ENDIAN, 1f));
        bytes[1] = 'X';
        assertContains(readError(bytes), "not a .npy file", "bad magic");
        assertContains(readError("prompt_id,reward\n".getBytes(StandardCharsets.US_ASCII)), "bad magic");
        assertContains(readError(new byte[] {(byte) 0x93, 'N'}), "not a .npy file", "only 2 bytes");
    }

    @Test
    void rejectsUnsupportedVersions() throws IOException {
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, 1f);
        assertContains(readError(npy(4, 0, dict("<f4", 1, 1), data)), "unsupported .npy format version 4.0",
                "1.0, 2.0, 3.0");
        assertContains(readError(npy(1, 1, dict("<f4", 1, 1), data)), "version 1.1");
    }

    @Test
    void rejectsUnparseableHeaders() throws IOException {
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, 1f);
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1)", data)),
                "unparseable .npy header", "expected ',' or '}'");
        assertContains(readError(npy(1, 0, "not a dict at all", data)), "unparseable .npy header");
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'shape': (1, 1)}", data)),
                "unparseable .npy header", "no 'fortran_order' key");
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': 7}", data)),
                "'shape' is not a tuple of integers");
        // A length field pointing past the end of the file.
        byte[] bytes = npy(1, 0, dict("<f4", 1, 1), data);
        bytes[8] = (byte) 0xFF;
        bytes[9] = (byte) 0x7F;
        assertContains(readError(bytes), "header", "32767 bytes");
    }

    @Test
    void rejectsUnsupportedDtypesNamingThem() throws IOException {
        assertContains(readError(npy(1, 0, dict("<i8", 1, 1), new byte[8])),
                "unsupported dtype '<i8' (int64)", "supported: float32", "float16", "float64", "astype(np.float32)");
        assertContains(readError(npy(1, 0, dict("<i4", 1, 1), new byte[4])), "unsupported dtype '<i4' (int32)");
        assertContains(readError(npy(1, 0, dict("|b1", 1, 1), new byte[1])), "unsupported dtype '|b1' (bool)");
        assertContains(readError(npy(1, 0,
                        "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,)}", new byte[8])),
                "unsupported dtype", "structured");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }";
        assertContains(readError(npy(1, 0, dict, new byte[16])), "Fortran", "only C order");
    }

    @Test
    void rejectsShapesThatAreNot2D() throws IOException {
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
                new byte[16])), "shape (4,)", "2-D");
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 1), }",
                new byte[16])), "shape (2, 2, 1)", "2-D");
        assertContains(readError(npy(1, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                new byte[4])), "shape ()", "2-D");
        assertContains(readError(npy(1, 0, dict("<f4", 3, 0), new byte[0])), "invalid feature shape 3 x 0");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, 1f, 2f, 3f, 4f, 5f);
        assertContains(readError(npy(1, 0, dict("<f4", 2, 3), data)), "truncated data",
                "shape (2, 3) of '<f4' needs 24 bytes", "found 20");
        assertContains(readError(npy(1, 0, dict("<f2", 2, 3), new byte[11])), "needs 12 bytes", "found 11");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] data = f4(ByteOrder.LITTLE_ENDIAN, 1f, 2f, 3f);
        assertContains(readError(npy(1, 0, dict("<f4", 1, 2), data)), "4 unexpected bytes after the data",
                "needs 8 bytes");
    }

    @Test
    void rejectsNonFiniteValuesNamingRowAndColumn() throws IOException {
        assertContains(readError(npy(1, 0, dict("<f4", 2, 3),
                f4(ByteOrder.LITTLE_ENDIAN, 1f, 2f, 3f, 4f, 5f, Float.NaN))), "NaN at row 1, column 2");
        assertContains(readError(npy(1, 0, dict("<f2", 2, 2), f2(ByteOrder.LITTLE_ENDIAN, 0, 0x7C00, 0, 0))),
                "Infinity at row 0, column 1");
    }

    @Test
    void missingFileIsAnIOExceptionNamingIt() {
        Path f = dir.resolve("nope.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("nope.npy"), e.getMessage());
    }
}
