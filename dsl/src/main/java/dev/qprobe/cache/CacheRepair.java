package dev.qprobe.cache;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.qprobe.cache.LogReader.Damage;
import dev.qprobe.cache.RecordCodec.BadRecord;
import dev.qprobe.cache.RecordCodec.Features;
import dev.qprobe.cache.RecordCodec.Header;
import dev.qprobe.cache.RecordCodec.Padding;
import dev.qprobe.cache.RecordCodec.Samples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks and mends a cache directory without knowing its key: what {@code qprobe cache verify DIR}
 * and {@code qprobe cache repair DIR} run. The key's digest is the directory's name, which is all
 * the log's header holds, so a damaged header can be rewritten exactly; a damaged
 * {@code key.json} is moved aside, and the next run with the same settings writes it again.
 * Damaged records are set aside as on open. Every valid record is kept; no damaged byte is deleted.
 */
public final class CacheRepair {
    private CacheRepair() {
    }

    /**
     * What a check found, and what a repair did.
     *
     * @param directory the cache directory
     * @param keyFile   the state of {@code key.json}, in words
     * @param header    the state of the log's header, in words
     * @param records   whole records in the log (samples, features and padding)
     * @param prompts   prompts with samples
     * @param features  feature records
     * @param damage    damaged byte ranges of the log, in words
     * @param healthy   whether the cache opens as it is without losing anything
     * @param actions   what a repair changed (empty for a check)
     */
    public record Report(Path directory, String keyFile, String header, long records, int prompts, long features,
                         List<String> damage, boolean healthy, List<String> actions) {
        /** A few lines for people. */
        public String text() {
            StringBuilder b = new StringBuilder();
            b.append(directory).append(": ").append(healthy ? "healthy" : "DAMAGED").append('\n');
            b.append("  key.json: ").append(keyFile).append('\n');
            b.append("  ").append(RecordCodec.LOG_FILE).append(" header: ").append(header).append('\n');
            b.append("  whole records: ").append(records).append(" (").append(prompts).append(" prompts with samples, ")
                    .append(features).append(" feature records)").append('\n');
            for (String d : damage) {
                b.append("  damaged: ").append(d).append('\n');
            }
            for (String a : actions) {
                b.append("  repaired: ").append(a).append('\n');
            }
            return b.toString();
        }
    }

    /** The cache directories at {@code path}: itself if it is one, else its subdirectories that are. */
    public static List<Path> caches(Path path) throws IOException {
        if (Files.exists(path.resolve(RecordCodec.LOG_FILE))) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString());
        }
        try (Stream<Path> children = Files.list(path)) {
            List<Path> found = children.filter(p -> Files.exists(p.resolve(RecordCodec.LOG_FILE))).sorted().toList();
            if (found.isEmpty()) {
                throw new IOException(path + " is not a cache directory and holds none (no " + RecordCodec.LOG_FILE + ")");
            }
            return found;
        }
    }

    /** Checks the cache in {@code directory} without changing it. */
    public static Report verify(Path cacheDirectory) throws IOException {
        Path directory = cacheDirectory.toAbsolutePath().normalize();
        String digest = digestOf(directory);
        try (FileChannel log = FileChannel.open(directory.resolve(RecordCodec.LOG_FILE), READ)) {
            FileLock lock = log.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                throw new IOException("cache " + directory + " is in use by another process; verify it when that ends");
            }
            return check(directory, digest, log, List.of());
        }
    }

    /**
     * Repairs the cache in {@code directory}: rewrites a damaged header, moves a damaged
     * {@code key.json} aside, and sets damaged records aside, keeping every valid record.
     *
     * @throws IOException if the directory is in use, or its log is not a cache log, belongs to
     *                     another key or is of a newer format (then nothing is changed)
     */
    public static Report repair(Path cacheDirectory) throws IOException {
        Path directory = cacheDirectory.toAbsolutePath().normalize();
        String digest = digestOf(directory);
        Path real = directory.toRealPath();
        StoreLock.claim(real, directory);
        try (FileChannel log = FileChannel.open(directory.resolve(RecordCodec.LOG_FILE), READ, WRITE)) {
            StoreLock.lock(log, directory);
            List<String> actions = new ArrayList<>();
            LogReader reader = new LogReader(log, directory.resolve(RecordCodec.LOG_FILE));
            Header header = header(log, reader, digest);
            if (header instanceof Header.Newer || header instanceof Header.Foreign || header instanceof Header.NotALog) {
                throw new IOException("cannot repair " + directory + ": " + describe(header) + "; nothing was changed");
            }
            if (KeyFile.read(directory) instanceof KeyFile.Damaged) {
                Path aside = Quarantine.asideFile(directory, KeyFile.NAME);
                Files.move(directory.resolve(KeyFile.NAME), aside);
                actions.add("moved the damaged key.json to " + aside.getFileName()
                        + "; the next run with the same settings writes it again");
            }
            if (!(header instanceof Header.Valid)) {
                actions.add(rewriteHeader(log, reader, directory, digest, header));
            }
            long start = recordsStart(log, reader, digest);
            List<Damage> damage = reader.scan(start, log.size(), (offset, length, record) -> { });
            if (!damage.isEmpty()) {
                actions.add("set aside " + Quarantine.describe(damage) + ". "
                        + Quarantine.apply(log, reader, directory, damage));
            }
            return check(directory, digest, log, actions);
        } finally {
            StoreLock.release(real);
        }
    }

    private static String rewriteHeader(FileChannel log, LogReader reader, Path directory, String digest, Header header)
            throws IOException {
        long size = log.size();
        int start = header instanceof Header.Fresh ? RecordCodec.HEADER_BYTES : recordsStart(log, reader, digest);
        byte[] fresh = start == RecordCodec.HEADER_V1_BYTES ? RecordCodec.headerV1(digest, 1) : RecordCodec.header(digest);
        String kept = "";
        if (size > 0) {
            ByteBuffer old = ByteBuffer.allocate((int) Math.min(size, start));
            reader.readFully(old, 0);
            Path aside = Quarantine.asideFile(directory, RecordCodec.LOG_FILE);
            Files.write(aside, old.array());
            kept = "; the old header bytes are in " + aside.getFileName();
        }
        ByteBuffer b = ByteBuffer.wrap(fresh);
        while (b.hasRemaining()) {
            log.write(b, b.position());
        }
        log.force(true);
        return "rewrote the header of " + RecordCodec.LOG_FILE + " (format " + (start == RecordCodec.HEADER_BYTES
                ? RecordCodec.FORMAT_VERSION : 1) + ") from the directory's name" + kept;
    }

    /** Where records start: after the header, whose format a damaged header no longer says for sure. */
    private static int recordsStart(FileChannel log, LogReader reader, String digest) throws IOException {
        long size = log.size();
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, RecordCodec.HEADER_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        reader.readFully(head, 0);
        Header header = RecordCodec.classify(head.array(), digest);
        if (header instanceof Header.Valid valid) {
            return valid.length();
        }
        if (size < RecordCodec.HEADER_BYTES) {
            return RecordCodec.HEADER_V1_BYTES;
        }
        for (int start : new int[] {RecordCodec.HEADER_BYTES, RecordCodec.HEADER_V1_BYTES}) {
            try {
                reader.recordAt(start, size);
                return start;
            } catch (BadRecord notHere) {
                // try the other format
            }
        }
        return head.getInt(8) == 1 ? RecordCodec.HEADER_V1_BYTES : RecordCodec.HEADER_BYTES;
    }

    private static Header header(FileChannel log, LogReader reader, String digest) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(log.size(), RecordCodec.HEADER_BYTES));
        reader.readFully(head, 0);
        return RecordCodec.classify(head.array(), digest);
    }

    private static Report check(Path directory, String digest, FileChannel log, List<String> actions) throws IOException {
        KeyFile.State key = KeyFile.read(directory);
        String keyFile = key instanceof KeyFile.Valid valid ? "ok " + valid.key().entries()
                : key instanceof KeyFile.Damaged damaged ? "DAMAGED: " + damaged.reason()
                : "missing (the next run with the same settings writes it)";
        LogReader reader = new LogReader(log, directory.resolve(RecordCodec.LOG_FILE));
        Header header = header(log, reader, digest);
        long[] counts = new long[2];
        Set<String> prompts = new HashSet<>();
        List<String> damage = new ArrayList<>();
        if (!(header instanceof Header.Newer || header instanceof Header.Foreign || header instanceof Header.NotALog)) {
            long size = log.size();
            long start = header instanceof Header.Fresh ? size : recordsStart(log, reader, digest);
            for (Damage d : reader.scan(start, size, (offset, length, record) -> {
                counts[0]++;
                if (record instanceof Samples s) {
                    prompts.add(s.promptId());
                } else if (record instanceof Features) {
                    counts[1]++;
                } else if (!(record instanceof Padding)) {
                    throw new IllegalStateException("unknown record " + record);
                }
            })) {
                damage.add(d.length() + " bytes at byte " + d.offset() + " (" + d.reason() + (d.atEnd() ? ", up to the end" : "") + ")");
            }
        }
        boolean healthy = !(key instanceof KeyFile.Damaged) && header instanceof Header.Valid && damage.isEmpty();
        return new Report(directory, keyFile, describe(header), counts[0], prompts.size(), counts[1], damage, healthy,
                actions);
    }

    private static String describe(Header header) {
        if (header instanceof Header.Valid valid) {
            return "ok (format " + valid.version() + ")";
        } else if (header instanceof Header.Fresh) {
            return "not yet written (an interrupted creation; the next open writes it)";
        } else if (header instanceof Header.Damaged damaged) {
            return "DAMAGED (" + damaged.reason() + ")";
        } else if (header instanceof Header.Newer newer) {
            return "format " + newer.version() + ", written by a newer qprobe";
        } else if (header instanceof Header.Foreign foreign) {
            return "belongs to another key (digest " + foreign.digest() + "): moved here by hand?";
        }
        return "not a qprobe cache log";
    }

    private static String digestOf(Path directory) throws IOException {
        if (!Files.exists(directory.resolve(RecordCodec.LOG_FILE))) {
            throw new IOException(directory + " is not a cache directory (no " + RecordCodec.LOG_FILE + ")");
        }
        String name = directory.getFileName().toString();
        if (name.length() != 64 || !name.chars().allMatch(c -> Character.digit(c, 16) >= 0 && !Character.isUpperCase(c))) {
            throw new IOException(directory + " is not named by a cache key digest (64 hex digits), so its header"
                    + " cannot be checked; cache directories are named so by SampleCache.open");
        }
        HexFormat.of().parseHex(name);
        return name;
    }
}
