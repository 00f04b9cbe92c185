package dev.qprobe.io;

import dev.qprobe.data.FeatureMatrix;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes 2-D feature arrays in NumPy's {@code .npy} format, without NumPy.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, C (row-major) order only, and the dtypes
 * float32 and float16 in either byte order ({@code <f4 >f4 <f2 >f2}; {@code |} and {@code =} are
 * read as little-endian), and float64 ({@code <f8 >f8}, NumPy's default), which is narrowed to
 * float32 with a note on standard error (a value beyond float32's range is then reported as
 * infinite, naming its row and column). The array must be 2-D, shape (n, d): one row per sample. Float16 is
 * widened to float32 exactly. The data is streamed in chunks of a few MB straight into the one
 * {@code float[]} of the result, so a 100,000 x 4,096 file (1.6 GB) needs no second full copy.
 * Bytes after the data are rejected: they usually mean several arrays were saved into one file.
 *
 * <p>Writing produces version 1.0, {@code <f4}, C order, with the header padded to a multiple of
 * 64 bytes as NumPy does; {@code np.load} reads it back as float32.
 *
 * <p>Content errors throw {@link DataFormatException} whose message starts with the file path.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Bytes converted per read: large enough to amortise system calls, small next to the data. */
    static final int CHUNK_BYTES = 4 << 20;
    /** No real header comes near this; the limit keeps a corrupt length from allocating gigabytes. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final String SUPPORTED =
            "supported: float32 ('<f4', '>f4'), float16 ('<f2', '>f2') and float64 ('<f8', '>f8'); "
                    + "convert with a.astype(np.float32)";

    private Npy() {
    }

    /**
     * Reads a 2-D float32 or float16 array as a feature matrix.
     *
     * @throws DataFormatException if the file is not a supported .npy array, is truncated, has
     *                             trailing bytes or holds a NaN or infinite value (naming its row and column)
     * @throws IOException         if the file cannot be read
     */
    public static FeatureMatrix read(Path file) throws IOException {
        String src = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            Header header = readHeader(channel, fileSize, src);
            int itemSize = header.itemSize();
            long expected = header.rows() * header.dim() * itemSize;
            long found = fileSize - channel.position();
            String layout = "shape (" + header.rows() + ", " + header.dim() + ") of '" + header.descr() + "'";
            if (found < expected) {
                throw new DataFormatException(src + ": truncated data: " + layout + " needs " + expected
                        + " bytes after the header, found " + found);
            }
            if (found > expected) {
                throw new DataFormatException(src + ": " + (found - expected) + " unexpected bytes after the data ("
                        + layout + " needs " + expected + " bytes); was more than one array saved into this file?");
            }
            float[] data = new float[Math.toIntExact(header.rows() * header.dim())];
            readData(channel, header, data, src);
            if (itemSize == Double.BYTES) {
                System.err.println("qprobe: note: " + src + " holds float64 features; converted to float32, as "
                        + "probes compute in float32 (save a.astype(np.float32) to halve the file and skip this)");
            }
            try {
                return FeatureMatrix.wrap(data, (int) header.rows(), (int) header.dim(), src);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(e.getMessage(), e);
            }
        }
    }

    /**
     * Writes {@code matrix} as a version 1.0, little-endian float32 array of shape (rows, dim),
     * replacing {@code file} only once the whole file is written.
     *
     * @throws IOException if the file cannot be written (the previous file, if any, is then intact)
     */
    public static void write(Path file, FeatureMatrix matrix) throws IOException {
        try (PendingFile pending = PendingFile.create(file)) {
            writeTo(pending.path(), matrix);
            pending.commit();
        }
    }

    /** Writes the file in place (not atomically), flushed to disk. */
    static void writeTo(Path file, FeatureMatrix matrix) throws IOException {
        float[] data = matrix.array();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, ByteBuffer.wrap(header(matrix.rows(), matrix.dim())));
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            int chunk = CHUNK_BYTES / Float.BYTES;
            for (int off = 0; off < data.length; off += chunk) {
                int count = Math.min(chunk, data.length - off);
                buffer.clear();
                buffer.asFloatBuffer().put(data, off, count);
                buffer.limit(count * Float.BYTES);
                writeFully(channel, buffer);
            }
            // Flush to disk before any rename, so a crash cannot leave an empty file under the name.
            channel.force(false);
        }
    }

    /** The version 1.0 preamble and header for a C-order {@code <f4} array of shape (rows, dim). */
    static byte[] header(int rows, int dim) {
        StringBuilder dict = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (")
                .append(rows).append(", ").append(dim).append("), }");
        int preamble = MAGIC.length + 2 + 2;
        int unpadded = preamble + dict.length() + 1;
        dict.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(preamble + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Widens an IEEE 754 half-precision value (given as its 16 bits) to float, exactly: every half
     * value, subnormals included, is representable as a float. NaN payloads and signs are kept.
     */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            // Infinity (mantissa 0) or NaN: all-ones float exponent, payload moved to the top.
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half, normal float: shift the leading 1 into the implicit-bit position (bit 10).
            int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
            mantissa = (mantissa << shift) & 0x3FF;
            exponent = 1 - shift;
        }
        // Rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static void readData(FileChannel channel, Header header, float[] data, String src) throws IOException {
        int itemSize = header.itemSize();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(header.order());
        int perChunk = CHUNK_BYTES / itemSize;
        for (int off = 0; off < data.length; off += perChunk) {
            int count = Math.min(perChunk, data.length - off);
            buffer.clear().limit(count * itemSize);
            readFully(channel, buffer, src);
            buffer.flip();
            if (itemSize == Float.BYTES) {
                buffer.asFloatBuffer().get(data, off, count);
            } else if (itemSize == Double.BYTES) {
                for (int i = 0; i < count; i++) {
                    data[off + i] = (float) buffer.getDouble();
                }
            } else {
                for (int i = 0; i < count; i++) {
                    data[off + i] = halfToFloat(buffer.getShort());
                }
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, String src) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException(src + ": file ended early (was it truncated while being read?)");
            }
        }
    }

    /** Reads the preamble and header, leaving the channel at the first data byte. */
    static Header readHeader(FileChannel channel, long fileSize, String src) throws IOException {
        if (fileSize < MAGIC.length + 4) {
            throw new DataFormatException(src + ": not a .npy file: only " + fileSize + " bytes");
        }
        ByteBuffer pre = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, pre, src);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new DataFormatException(src + ": not a .npy file: bad magic bytes " + hex(pre, MAGIC.length)
                        + " (expected 93 4e 55 4d 50 59, i.e. \\x93NUMPY)");
            }
        }
        int major = pre.get(MAGIC.length) & 0xFF;
        int minor = pre.get(MAGIC.length + 1) & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new DataFormatException(src + ": unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthField, src);
        lengthField.flip();
        long headerLength = major == 1 ? lengthField.getShort() & 0xFFFF : lengthField.getInt() & 0xFFFF_FFFFL;
        if (headerLength > fileSize - channel.position() || headerLength > MAX_HEADER_BYTES) {
            throw new DataFormatException(src + ": truncated or corrupt header: length field says " + headerLength
                    + " bytes, but " + (fileSize - channel.position()) + " bytes follow");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        readFully(channel, text, src);
        // Version 3.0 only differs from 2.0 in allowing UTF-8 (for structured field names).
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return Header.parse(dict, src);
    }

    private static String hex(ByteBuffer buffer, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", buffer.get(i) & 0xFF));
        }
        return s.toString();
    }

    /** What the header dict says, checked: a supported dtype, C order, 2-D. */
    record Header(String descr, ByteOrder order, int itemSize, long rows, long dim) {

        static Header parse(String dict, String src) {
            Object parsed;
            try {
                parsed = new PythonLiteral(dict).parseAll();
            } catch (IllegalStateException e) {
                throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict) + ": "
                        + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict)
                        + ": not a dict");
            }
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!map.containsKey(key)) {
                    throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict)
                            + ": no '" + key + "' key");
                }
            }
            Object descr = map.get("descr");
            if (!(descr instanceof String d)) {
                throw new DataFormatException(src + ": unsupported dtype " + descr + " (a structured dtype); "
                        + SUPPORTED);
            }
            ByteOrder order = switch (d.isEmpty() ? ' ' : d.charAt(0)) {
                case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> null;
            };
            String type = order == null ? d : d.substring(1);
            if (order == null || !(type.equals("f4") || type.equals("f2") || type.equals("f8"))) {
                throw new DataFormatException(src + ": unsupported dtype '" + d + "'" + describe(type) + "; "
                        + SUPPORTED);
            }
            if (!(map.get("fortran_order") instanceof Boolean fortran)) {
                throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict)
                        + ": 'fortran_order' is not True or False");
            }
            if (fortran) {
                throw new DataFormatException(src + ": array is in Fortran (column-major) order; only C order is "
                        + "supported: save np.ascontiguousarray(a) instead");
            }
            if (!(map.get("shape") instanceof List<?> shape) || !shape.stream().allMatch(Long.class::isInstance)) {
                throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict)
                        + ": 'shape' is not a tuple of integers");
            }
            if (shape.size() != 2) {
                throw new DataFormatException(src + ": array has shape " + tuple(shape) + " but features must be "
                        + "2-D, (samples, dim); for a single row save a.reshape(1, -1)");
            }
            long rows = (Long) shape.get(0);
            long dim = (Long) shape.get(1);
            try {
                FeatureMatrix.checkShape(rows, dim, src);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(e.getMessage(), e);
            }
            return new Header(d, order, Integer.parseInt(type.substring(1)), rows, dim);
        }

        private static String tuple(List<?> shape) {
            StringBuilder s = new StringBuilder("(");
            for (int i = 0; i < shape.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(shape.get(i));
            }
            return s.append(shape.size() == 1 ? ",)" : ")").toString();
        }

        /** A readable name for a NumPy type code such as "f8" or "i4", for error messages. */
        private static String describe(String type) {
            if (type.length() < 2 || !type.substring(1).chars().allMatch(Character::isDigit)) {
                return "";
            }
            int bits = Integer.parseInt(type.substring(1)) * 8;
            String name = switch (type.charAt(0)) {
                case 'f' -> "float" + bits;
                case 'i' -> "int" + bits;
                case 'u' -> "uint" + bits;
                case 'c' -> "complex" + bits;
                case 'b' -> "bool";
                case 'U' -> "unicode string";
                case 'S' -> "byte string";
                default -> null;
            };
            return name == null ? "" : " (" + name + ")";
        }

        private static String abbreviate(String dict) {
            String s = dict.strip();
            return s.length() <= 200 ? s : s.substring(0, 200) + "...";
        }
    }

    /**
     * The subset of Python literal syntax that .npy headers use: dicts, tuples, lists, quoted strings,
     * integers, True, False, None. Errors are {@link IllegalStateException} with the offset.
     */
    private static final class PythonLiteral {
        private final String text;
        private int at;

        PythonLiteral(String text) {
            this.text = text;
        }

        Object parseAll() {
            Object value = value();
            skipSpace();
            if (at < text.length()) {
                throw error("unexpected text after the dict");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            if (c == '{') {
                return dict();
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            return constant();
        }

        private Map<Object, Object> dict() {
            Map<Object, Object> map = new LinkedHashMap<>();
            at++;
            while (!closes('}')) {
                Object key = value();
                skipSpace();
                expect(':');
                map.put(key, value());
                separator('}');
            }
            return map;
        }

        private List<Object> sequence(char close) {
            List<Object> items = new ArrayList<>();
            at++;
            while (!closes(close)) {
                items.add(value());
                separator(close);
            }
            return items;
        }

        /** Consumes {@code close} if it comes next (after spaces). */
        private boolean closes(char close) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == close) {
                at++;
                return true;
            }
            return false;
        }

        /** After an item: a comma, or the closing bracket (left for {@link #closes}). */
        private void separator(char close) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
            } else if (at >= text.length() || text.charAt(at) != close) {
                throw error("expected ',' or '" + close + "'");
            }
        }

        private String string(char quote) {
            StringBuilder s = new StringBuilder();
            at++;
            while (at < text.length() && text.charAt(at) != quote) {
                if (text.charAt(at) == '\\' && at + 1 < text.length()) {
                    at++;
                }
                s.append(text.charAt(at++));
            }
            expect(quote);
            return s.toString();
        }

        private Long integer() {
            int start = at;
            if (text.charAt(at) == '-') {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            String digits = text.substring(start, at);
            if (at < text.length() && text.charAt(at) == 'L') {
                at++; // Python 2 long suffix, found in old files
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                at = start;
                throw error("bad integer '" + digits + "'");
            }
        }

        private Object constant() {
            int start = at;
            while (at < text.length() && Character.isLetter(text.charAt(at))) {
                at++;
            }
            switch (text.substring(start, at)) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    at = start;
                    throw error("unexpected character '" + text.charAt(at) + "'");
            }
        }

        private void expect(char c) {
            if (at >= text.length() || text.charAt(at) != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalStateException error(String what) {
            return new IllegalStateException(what + " at character " + at);
        }
    }
}
