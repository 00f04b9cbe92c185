package dev.qprobe.io;

import dev.qprobe.data.FeaturePrecision;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The header of a 2-D {@code .npy} feature array: what its dict says, checked (a supported dtype,
 * C order, 2-D), and where the data starts. Reading and writing it is all this class does.
 *
 * <p>Dtypes: float32 {@code <f4 >f4}, float16 {@code <f2 >f2} ({@code |} and {@code =} read as
 * little-endian) and bfloat16 as {@code |V2} or {@code <V2}: two opaque bytes, NumPy's name for
 * a dtype it does not know, holding the top half of a little-endian float32. Float64
 * ({@code <f8 >f8}, NumPy's default) is accepted for reading into the heap, narrowed to float32:
 * {@code precision} is then F32 and {@code float64} true.
 */
record NpyHeader(String descr, ByteOrder order, FeaturePrecision precision, long rows, long dim, long dataOffset,
                 boolean float64) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** No real header comes near this; the limit keeps a corrupt length from allocating gigabytes. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final String SUPPORTED = "supported: float32 ('<f4', '>f4'), float16 ('<f2', '>f2'), "
            + "float64 ('<f8', '>f8') and bfloat16 bits as '|V2'; convert with a.astype(np.float32)";

    /** Bytes of one value. */
    int itemSize() {
        return float64 ? Double.BYTES : precision.bytes();
    }

    /** Bytes of data the shape needs. */
    long dataBytes() {
        return rows * dim * itemSize();
    }

    /** "shape (r, d) of '<f4'", for messages. */
    String layout() {
        return "shape (" + rows + ", " + dim + ") of '" + descr + "'";
    }

    /** Checks that exactly the data follows the header: no truncation, no second array. */
    void requireDataSize(long fileSize, String src) {
        long found = fileSize - dataOffset;
        if (found < dataBytes()) {
            throw new DataFormatException(src + ": truncated data: " + layout() + " needs " + dataBytes()
                    + " bytes after the header, found " + found);
        }
        if (found > dataBytes()) {
            throw new DataFormatException(src + ": " + (found - dataBytes()) + " unexpected bytes after the data ("
                    + layout() + " needs " + dataBytes() + " bytes); was more than one array saved into this file?");
        }
    }

    /** The version 1.0 preamble and header for a C-order array of shape (rows, dim) with dtype {@code descr}. */
    static byte[] encode(long rows, long dim, String descr) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': (").append(rows).append(", ").append(dim).append("), }");
        int preamble = MAGIC.length + 2 + 2;
        int unpadded = preamble + dict.length() + 1;
        dict.append(" ".repeat((64 - unpadded % 64) % 64)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(preamble + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }

    /** The little-endian descr this library writes for {@code precision}. */
    static String descrOf(FeaturePrecision precision) {
        return switch (precision) {
            case F32 -> "<f4";
            case F16 -> "<f2";
            case BF16 -> "|V2";
        };
    }

    /** Reads the preamble and header, leaving the channel at the first data byte. */
    static NpyHeader read(FileChannel channel, String src) throws IOException {
        long fileSize = channel.size();
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
        return parse(dict, src, channel.position());
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, String src) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException(src + ": file ended early (was it truncated while being read?)");
            }
        }
    }

    private static String hex(ByteBuffer buffer, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", buffer.get(i) & 0xFF));
        }
        return s.toString();
    }

    /** Parses and checks the header dict of a file whose data starts at {@code dataOffset}. */
    static NpyHeader parse(String dict, String src, long dataOffset) {
        Object parsed;
        try {
            parsed = new PythonLiteral(dict).parseAll();
        } catch (IllegalStateException e) {
            throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict) + ": "
                    + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict) + ": not a dict");
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!map.containsKey(key)) {
                throw new DataFormatException(src + ": unparseable .npy header " + abbreviate(dict)
                        + ": no '" + key + "' key");
            }
        }
        Object descr = map.get("descr");
        if (!(descr instanceof String d)) {
            throw new DataFormatException(src + ": unsupported dtype " + descr + " (a structured dtype); " + SUPPORTED);
        }
        ByteOrder order = switch (d.isEmpty() ? ' ' : d.charAt(0)) {
            case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> null;
        };
        String type = order == null ? d : d.substring(1);
        FeaturePrecision precision = order == null ? null : switch (type) {
            case "f4" -> FeaturePrecision.F32;
            case "f2" -> FeaturePrecision.F16;
            case "f8" -> FeaturePrecision.F32;
            case "V2" -> order == ByteOrder.LITTLE_ENDIAN ? FeaturePrecision.BF16 : null;
            default -> null;
        };
        if (precision == null) {
            throw new DataFormatException(src + ": unsupported dtype '" + d + "'" + describe(type) + "; " + SUPPORTED);
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
        if (rows < 0 || dim <= 0) {
            throw new DataFormatException(src + ": invalid feature shape " + rows + " x " + dim
                    + " (need rows >= 0 and dim >= 1)");
        }
        return new NpyHeader(d, order, precision, rows, dim, dataOffset, type.equals("f8"));
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
