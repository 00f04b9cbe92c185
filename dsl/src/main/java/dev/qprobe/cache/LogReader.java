package dev.qprobe.cache;

import static dev.qprobe.cache.RecordCodec.MIN_RECORD_BYTES;
import static dev.qprobe.cache.RecordCodec.RECORD_HEADER_BYTES;

import dev.qprobe.cache.RecordCodec.BadRecord;
import dev.qprobe.cache.RecordCodec.Record;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a log, checking each one's checksum, and steps over damaged bytes to the
 * next whole record: a damaged record costs only itself.
 */
final class LogReader {
    /** How much of the log is searched at a time for the next record's magic. */
    private static final int SEARCH_CHUNK = 1 << 20;

    private final FileChannel log;
    private final Path file;

    LogReader(FileChannel log, Path file) {
        this.log = log;
        this.file = file;
    }

    /** A byte range of the log that holds no usable record, why, and whether it runs to the end. */
    record Damage(long offset, long length, String reason, boolean atEnd) {
    }

    /** Receives each whole record found by {@link #scan}: where it starts, its length and content. */
    @FunctionalInterface
    interface Visitor {
        void record(long offset, int length, Record record);
    }

    /**
     * Visits every whole record from {@code from} to {@code size} in order and returns the damaged
     * ranges between them: each from a record that fails its check to the next one that passes (or
     * the end).
     */
    List<Damage> scan(long from, long size, Visitor visitor) throws IOException {
        List<Damage> damage = new ArrayList<>();
        long position = from;
        while (position < size) {
            try {
                ByteBuffer record = read(position, size);
                visitor.record(position, record.capacity(), decode(record));
                position += record.capacity();
            } catch (BadRecord bad) {
                long next = nextRecord(position + 1, size);
                damage.add(new Damage(position, next - position, bad.getMessage(), next == size));
                position = next;
            }
        }
        return damage;
    }

    /** The decoded record at {@code offset}, which must lie whole before {@code size} and pass its check. */
    Record recordAt(long offset, long size) throws IOException, BadRecord {
        return decode(read(offset, size));
    }

    private static Record decode(ByteBuffer record) throws BadRecord {
        byte kind = record.get(4);
        ByteBuffer payload = record.slice(RECORD_HEADER_BYTES, record.capacity() - MIN_RECORD_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        return RecordCodec.decode(kind, payload);
    }

    /** The bytes of the record at {@code offset}, if it lies whole before {@code size} and its checksum matches. */
    private ByteBuffer read(long offset, long size) throws IOException, BadRecord {
        long available = size - offset;
        if (available < MIN_RECORD_BYTES) {
            throw new BadRecord("incomplete record, as a torn write leaves");
        }
        ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(head, offset);
        int length = RecordCodec.payloadLength(head);
        if (length < 0 || length > available - MIN_RECORD_BYTES) {
            throw new BadRecord("record runs past the end of the file, as a torn write leaves");
        }
        ByteBuffer record = ByteBuffer.allocate(MIN_RECORD_BYTES + length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(record, offset);
        if (RecordCodec.crc(record.array(), 0, RECORD_HEADER_BYTES + length) != record.getInt(RECORD_HEADER_BYTES + length)) {
            throw new BadRecord("checksum mismatch");
        }
        return record;
    }

    /** Where the first whole, checked record at or after {@code from} starts, or {@code size} if none does. */
    private long nextRecord(long from, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(SEARCH_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (long start = from; start <= size - MIN_RECORD_BYTES; start += SEARCH_CHUNK - 3) {
            chunk.clear().limit((int) Math.min(SEARCH_CHUNK, size - start));
            readFully(chunk, start);
            for (int i = 0; i + 4 <= chunk.limit(); i++) {
                if (chunk.getInt(i) == RecordCodec.RECORD_MAGIC) {
                    try {
                        read(start + i, size);
                        return start + i;
                    } catch (BadRecord notOne) {
                        // the magic by chance, or another damaged record: search on
                    }
                }
            }
        }
        return size;
    }

    /** Copies the bytes of {@code damage} out of the log. */
    byte[] bytes(Damage damage) throws IOException {
        if (damage.length() > Integer.MAX_VALUE - 16) {
            throw new IOException("a damaged range of " + damage.length() + " bytes in " + file + " is too large to set aside");
        }
        ByteBuffer b = ByteBuffer.allocate((int) damage.length());
        readFully(b, damage.offset());
        return b.array();
    }

    void readFully(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            int n = log.read(b, position);
            if (n < 0) {
                throw new EOFException(file + " ended early");
            }
            position += n;
        }
    }
}
