package dev.qprobe.cache;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.qprobe.cache.LogReader.Damage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Takes damaged ranges out of a log's way without losing a byte: copies them to
 * {@code records.log.damaged-<time>}, then marks each in place as a padding record (so later
 * opens step over it silently), or cuts it off when it is the log's torn tail. The valid records
 * around them stay where they are.
 */
final class Quarantine {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Quarantine() {
    }

    /**
     * Sets {@code damage} aside and out of the way, forcing both files to disk, and returns a
     * sentence saying what was done, for a warning.
     */
    static String apply(FileChannel log, LogReader reader, Path directory, List<Damage> damage) throws IOException {
        Path aside = asideFile(directory, RecordCodec.LOG_FILE);
        byte[][] bytes = new byte[damage.size()][];
        try (FileChannel out = FileChannel.open(aside, CREATE_NEW, WRITE)) {
            for (int i = 0; i < damage.size(); i++) {
                bytes[i] = reader.bytes(damage.get(i));
                writeFully(out, ByteBuffer.wrap(bytes[i]), out.size());
            }
            out.force(true);
        }
        int left = 0;
        for (int i = damage.size() - 1; i >= 0; i--) {
            Damage d = damage.get(i);
            if (d.atEnd()) {
                log.truncate(d.offset());
            } else if (d.length() >= RecordCodec.MIN_RECORD_BYTES) {
                byte[] padded = bytes[i].clone();
                RecordCodec.pad(padded);
                writeFully(log, ByteBuffer.wrap(padded, 0, RecordCodec.RECORD_HEADER_BYTES), d.offset());
                int crcAt = padded.length - RecordCodec.CRC_BYTES;
                writeFully(log, ByteBuffer.wrap(padded, crcAt, RecordCodec.CRC_BYTES), d.offset() + crcAt);
            } else {
                left++; // too short to mark: stepped over again at each open
            }
        }
        log.force(true);
        return "The damaged bytes were copied to " + aside.getFileName()
                + (left == 0 ? "" : "; " + left + " range(s) too short to mark stay in the log and are stepped over");
    }

    /** A name {@code <name>.damaged-<UTC time>} in {@code directory} that does not exist yet. */
    static Path asideFile(Path directory, String name) {
        Instant now = Instant.now();
        for (int attempt = 0; ; attempt++) {
            Path candidate = directory.resolve(name + ".damaged-" + STAMP.format(now) + (attempt == 0 ? "" : "-" + attempt));
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
    }

    /** A one-line description of {@code damage}: where each range is, how long and why. */
    static String describe(List<Damage> damage) {
        StringBuilder b = new StringBuilder();
        for (Damage d : damage) {
            b.append(b.length() == 0 ? "" : "; ").append(d.length()).append(" bytes at byte ").append(d.offset())
                    .append(" (").append(d.reason()).append(d.atEnd() ? ", up to the end" : "").append(')');
        }
        return b.toString();
    }

    private static void writeFully(FileChannel channel, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
    }
}
