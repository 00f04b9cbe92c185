package dev.qprobe.cache;

import dev.qprobe.data.PromptSamples;
import dev.qprobe.model.Completion;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of {@code records.log}: its file header and its records, encoded and decoded. No I/O
 * here: {@link LogReader} reads, {@link SampleCache} appends.
 *
 * <h2>File header</h2>
 * All numbers little-endian. Format 2 (written since records could be skipped past): 48 bytes,
 * {@code "QPCACHE\0"}, int32 version, the raw 32-byte key digest, int32 CRC32C of the 44 bytes
 * before it. Every later format keeps these 48 bytes first, so a checksum that holds with an
 * unknown version means "written by newer code", and one that fails means damage. Format 1: the
 * same 44 bytes without the checksum; still read, and checked against the header its directory
 * name implies.
 *
 * <h2>Records</h2>
 * <pre>
 *   int32 magic "QPRC" | uint8 kind | int32 payload length | payload | int32 CRC32C of all before it
 * </pre>
 * The magic and the checksum let a reader find the next whole record after damaged bytes.
 * Strings are an int32 count of UTF-16 code units and the code units (lossless for any Java string).
 * Kinds: 1 samples (prompt id, int32 n, n times: text, int32 tokens, uint8 stopped, float64 reward);
 * 3 features (prompt id, source id, int64 offset of the samples record they were computed from,
 * int32 rows and columns, float32 values row by row); 2 features of format 1 (as 3 without the
 * offset; read only); 0 padding (damaged bytes already copied aside, to be skipped).
 */
final class RecordCodec {
    static final String LOG_FILE = "records.log";
    static final int FORMAT_VERSION = 2;
    static final int HEADER_V1_BYTES = 8 + 4 + 32;
    static final int HEADER_BYTES = HEADER_V1_BYTES + 4;
    static final int RECORD_HEADER_BYTES = 4 + 1 + 4;
    static final int CRC_BYTES = 4;
    /** The smallest record: an empty padding record. */
    static final int MIN_RECORD_BYTES = RECORD_HEADER_BYTES + CRC_BYTES;
    static final int RECORD_MAGIC = 'Q' | 'P' << 8 | 'R' << 16 | 'C' << 24;
    static final byte PADDING = 0;
    static final byte SAMPLES = 1;
    static final byte FEATURES_V1 = 2;
    static final byte FEATURES = 3;
    private static final byte[] FILE_MAGIC = {'Q', 'P', 'C', 'A', 'C', 'H', 'E', 0};
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 16;

    private RecordCodec() {
    }

    /** A record that cannot be used, and why. */
    static final class BadRecord extends Exception {
        BadRecord(String reason) {
            super(reason);
        }
    }

    /** A decoded record. */
    sealed interface Record permits Samples, Features, Padding {
    }

    record Samples(String promptId, PromptSamples samples) implements Record {
    }

    /**
     * Features of {@code promptId} from {@code sourceId}: {@code values} holds rows times columns
     * floats. {@code samplesOffset} is where their samples record starts, or -1 in a format 1 record.
     */
    record Features(String promptId, String sourceId, long samplesOffset, int rows, int columns, ByteBuffer values)
            implements Record {
        float[][] matrix() {
            float[][] features = new float[rows][columns];
            ByteBuffer v = values.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : features) {
                v.asFloatBuffer().get(row);
                v.position(v.position() + row.length * Float.BYTES);
            }
            return features;
        }
    }

    record Padding() implements Record {
    }

    // ---- file header ----

    /** What a log's first bytes say. */
    sealed interface Header permits Header.Valid, Header.Fresh, Header.Newer, Header.Foreign, Header.Damaged,
            Header.NotALog {
        /** A header of a known version for the expected key; records start at {@code length}. */
        record Valid(int version, int length) implements Header {
        }

        /** Shorter than a header and the start of one: a log whose creation was interrupted. */
        record Fresh() implements Header {
        }

        /** An intact header of a format this code does not know. */
        record Newer(int version) implements Header {
        }

        /** An intact header of another key. */
        record Foreign(String digest) implements Header {
        }

        /** A header whose bytes fail their check. */
        record Damaged(String reason) implements Header {
        }

        /** Bytes that do not start like a cache log at all. */
        record NotALog() implements Header {
        }
    }

    /** The format 2 header of the key with {@code digest} (64 hex digits). */
    static byte[] header(String digest) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(headerV1(digest, FORMAT_VERSION), 0, HEADER_V1_BYTES);
        b.position(HEADER_V1_BYTES);
        return b.putInt(crc(b.array(), 0, HEADER_V1_BYTES)).array();
    }

    /** The 44 bytes every format starts with. */
    static byte[] headerV1(String digest, int version) {
        return ByteBuffer.allocate(HEADER_V1_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(FILE_MAGIC).putInt(version).put(HexFormat.of().parseHex(digest)).array();
    }

    /**
     * Classifies a log's first bytes ({@code head}: its first {@code min(size, HEADER_BYTES)} bytes)
     * for the key with {@code digest}.
     */
    static Header classify(byte[] head, String digest) {
        byte[] expected = header(digest);
        byte[] expectedV1 = headerV1(digest, 1);
        // Creation interrupted (a format 1 one too: starting again in format 2 loses nothing).
        if (head.length < HEADER_BYTES && startsWith(expected, head)
                || head.length < HEADER_V1_BYTES && startsWith(expectedV1, head)) {
            return new Header.Fresh();
        }
        if (magicMismatches(head) > 2) {
            return new Header.NotALog();
        }
        if (head.length < HEADER_V1_BYTES) {
            return new Header.Damaged("a header of " + head.length + " bytes that is not the start of this key's");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(FILE_MAGIC.length);
        String found = HexFormat.of().formatHex(head, FILE_MAGIC.length + 4, HEADER_V1_BYTES);
        if (head.length >= HEADER_BYTES && crc(head, 0, HEADER_V1_BYTES) == b.getInt(HEADER_V1_BYTES)) {
            if (version != FORMAT_VERSION) {
                return new Header.Newer(version);
            }
            return found.equals(digest) ? new Header.Valid(version, HEADER_BYTES) : new Header.Foreign(found);
        }
        if (Arrays.equals(head, 0, HEADER_V1_BYTES, expectedV1, 0, HEADER_V1_BYTES)) {
            return new Header.Valid(1, HEADER_V1_BYTES);
        }
        // Format 1 has no checksum: a few flipped bits in the digest are damage, a wholly other
        // digest is a log moved here from another key's directory.
        if (version == 1 && magicMismatches(head) == 0 && differingBits(head, expectedV1) > 16) {
            return new Header.Foreign(found);
        }
        return new Header.Damaged("checksum mismatch");
    }

    private static boolean startsWith(byte[] whole, byte[] prefix) {
        return prefix.length <= whole.length && Arrays.equals(whole, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int magicMismatches(byte[] head) {
        int mismatches = 0;
        for (int i = 0; i < FILE_MAGIC.length; i++) {
            mismatches += i >= head.length || head[i] != FILE_MAGIC[i] ? 1 : 0;
        }
        return mismatches;
    }

    private static int differingBits(byte[] a, byte[] b) {
        int bits = 0;
        for (int i = FILE_MAGIC.length + 4; i < HEADER_V1_BYTES; i++) {
            bits += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return bits;
    }

    // ---- records: encoding ----

    /** A sealed samples record. */
    static ByteBuffer samples(String promptId, List<Completion> completions, double[] rewards) {
        long length = 4 + 2L * promptId.length() + 4;
        for (Completion c : completions) {
            length += 4 + 2L * c.text().length() + 4 + 1 + 8;
        }
        ByteBuffer record = newRecord(SAMPLES, length, promptId);
        putString(record, promptId);
        record.putInt(completions.size());
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            putString(record, c.text());
            record.putInt(c.tokens()).put((byte) (c.stopped() ? 1 : 0)).putDouble(rewards[i]);
        }
        return seal(record);
    }

    /** A sealed features record, bound to the samples record at {@code samplesOffset}. */
    static ByteBuffer features(String promptId, String sourceId, long samplesOffset, float[][] features) {
        int columns = features[0].length;
        long length = 4 + 2L * promptId.length() + 4 + 2L * sourceId.length() + 8 + 8
                + (long) features.length * columns * Float.BYTES;
        ByteBuffer record = newRecord(FEATURES, length, promptId);
        putString(record, promptId);
        putString(record, sourceId);
        record.putLong(samplesOffset).putInt(features.length).putInt(columns);
        for (float[] row : features) {
            record.asFloatBuffer().put(row);
            record.position(record.position() + columns * Float.BYTES);
        }
        return seal(record);
    }

    /**
     * Turns {@code span} (the bytes of a damaged region, at least {@link #MIN_RECORD_BYTES} long)
     * into a padding record in place: a new record header and checksum around the old bytes.
     */
    static void pad(byte[] span) {
        ByteBuffer b = ByteBuffer.wrap(span).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, RECORD_MAGIC).put(4, PADDING).putInt(5, span.length - MIN_RECORD_BYTES);
        b.putInt(span.length - CRC_BYTES, crc(span, 0, span.length - CRC_BYTES));
    }

    private static ByteBuffer newRecord(byte kind, long payloadLength, String promptId) {
        if (RECORD_HEADER_BYTES + payloadLength + CRC_BYTES > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("prompt \"" + promptId + "\": record of " + payloadLength
                    + " bytes is too large for the cache (at most 2 GB)");
        }
        return ByteBuffer.allocate((int) (RECORD_HEADER_BYTES + payloadLength + CRC_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN).putInt(RECORD_MAGIC).put(kind).putInt((int) payloadLength);
    }

    private static void putString(ByteBuffer b, String s) {
        b.putInt(s.length());
        b.asCharBuffer().put(s);
        b.position(b.position() + 2 * s.length());
    }

    /** Adds the checksum to {@code record} (filled up to it) and flips it for writing. */
    private static ByteBuffer seal(ByteBuffer record) {
        record.putInt(crc(record.array(), 0, record.position()));
        if (record.hasRemaining()) {
            throw new IllegalStateException("record size miscounted by " + record.remaining() + " bytes");
        }
        return record.flip();
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    // ---- records: decoding ----

    /** The payload length a record header announces, or throws if no record starts there. */
    static int payloadLength(ByteBuffer recordHeader) throws BadRecord {
        ByteBuffer b = recordHeader.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != RECORD_MAGIC) {
            throw new BadRecord("no record starts there");
        }
        return b.getInt(5);
    }

    /** Decodes a whole record whose checksum has been checked. */
    static Record decode(byte kind, ByteBuffer payload) throws BadRecord {
        try {
            return switch (kind) {
                case PADDING -> new Padding();
                case SAMPLES -> decodeSamples(payload);
                case FEATURES_V1 -> decodeFeatures(payload, false);
                case FEATURES -> decodeFeatures(payload, true);
                default -> throw new BadRecord("unknown record kind " + kind);
            };
        } catch (BufferUnderflowException e) {
            throw new BadRecord("payload shorter than its content");
        }
    }

    private static Features decodeFeatures(ByteBuffer payload, boolean bound) throws BadRecord {
        String promptId = readString(payload);
        String sourceId = readString(payload);
        long samplesOffset = bound ? payload.getLong() : -1;
        int rows = payload.getInt();
        int columns = payload.getInt();
        if (rows < 1 || columns < 1 || (long) rows * columns * Float.BYTES != payload.remaining()) {
            throw new BadRecord("features of prompt \"" + promptId + "\" of the wrong size");
        }
        return new Features(promptId, sourceId, samplesOffset, rows, columns, payload.slice());
    }

    private static Samples decodeSamples(ByteBuffer payload) throws BadRecord {
        String promptId = readString(payload);
        int n = payload.getInt();
        if (n < 1 || n > payload.remaining()) {
            throw new BadRecord("samples of prompt \"" + promptId + "\" with a bad count " + n);
        }
        List<Completion> completions = new ArrayList<>(n);
        double[] rewards = new double[n];
        for (int i = 0; i < n; i++) {
            String text = readString(payload);
            int tokens = payload.getInt();
            byte stopped = payload.get();
            rewards[i] = payload.getDouble();
            completions.add(new Completion(text, tokens, stopped != 0));
        }
        if (payload.hasRemaining()) {
            throw new BadRecord("samples of prompt \"" + promptId + "\" followed by stray bytes");
        }
        return new Samples(promptId, new PromptSamples(completions, rewards));
    }

    private static String readString(ByteBuffer b) throws BadRecord {
        int units = b.getInt();
        if (units < 0 || units > b.remaining() / 2) {
            throw new BadRecord("string of bad length " + units);
        }
        char[] chars = new char[units];
        b.asCharBuffer().get(chars);
        b.position(b.position() + 2 * units);
        return new String(chars);
    }
}
