package dev.qprobe.cache;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.qprobe.model.Completion;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A crash-safe on-disk store of sampled completions, their rewards and their feature vectors, for
 * one {@link CacheKey}: {@code open(root, key)} uses the directory {@code root/<key digest>}, so
 * data made under one key is never read under another.
 *
 * <p>Per prompt it holds the samples (completions and rewards) and, per feature source (an
 * {@code Embedder.id()}), a feature matrix with one row per completion. Features belong to the
 * samples they were computed from: putting new samples for a prompt forgets its features.
 *
 * <p>Every put is appended to a log and forced to disk before it returns, so a process killed at
 * any moment loses at most the record it was writing. Opening the store checks every record's
 * checksum; the first damaged or torn record and everything after it are cut off, with a warning,
 * and are simply missing, to be made again. Damaged data is never returned.
 *
 * <p>One process at a time may open a store (a file lock enforces it); within that process the
 * store is thread-safe. Close it to release the lock.
 *
 * <h2>On-disk format</h2>
 * The directory holds {@code key.json}, the key's entries for people to read, and
 * {@code records.log}: a 44-byte header ({@code "QPCACHE\0"}, format version as int32, the raw
 * 32-byte key digest) followed by records. All numbers are little-endian. A record is
 * <pre>
 *   int32 magic "QPRC" | uint8 kind | int32 payload length | payload | int32 CRC32C of all before it
 * </pre>
 * Strings are an int32 count of UTF-16 code units and the code units (lossless for any Java string).
 * A samples payload (kind 1) is the prompt id, an int32 count n, then n times: text, int32 tokens,
 * uint8 stopped, float64 reward. A features payload (kind 2) is the prompt id, the source id, int32
 * rows and columns, then the float32 values row by row. Later records replace earlier ones.
 */
public final class SampleCache implements AutoCloseable {
    static final String LOG_FILE = "records.log";
    static final String KEY_FILE = "key.json";
    static final int FORMAT_VERSION = 1;
    static final int FILE_HEADER_BYTES = 8 + 4 + 32;
    static final int RECORD_HEADER_BYTES = 4 + 1 + 4;
    static final int CRC_BYTES = 4;
    private static final byte[] FILE_MAGIC = {'Q', 'P', 'C', 'A', 'C', 'H', 'E', 0};
    private static final int RECORD_MAGIC = 'Q' | 'P' << 8 | 'R' << 16 | 'C' << 24;
    private static final byte SAMPLES = 1;
    private static final byte FEATURES = 2;
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 16;
    /** The directories of the stores open in this process. */
    private static final Set<Path> OPEN = new HashSet<>();

    private final Path directory;
    private final Path realDirectory;
    private final CacheKey key;
    private final Consumer<String> warnings;
    private final FileChannel log;
    private final Map<String, PromptEntry> prompts = new LinkedHashMap<>();
    private long end;
    private boolean closed;

    /** Where a record lies in the log: its first byte and its length, header and checksum included. */
    private record Span(long offset, int length) {
    }

    /** What the log holds for one prompt: its samples record and the feature records that belong to it. */
    private record PromptEntry(Span samples, int k, Map<String, Span> features) {
    }

    /** A record whose checksum matched: its kind and payload. */
    private record Raw(byte kind, ByteBuffer payload) {
    }

    /** A record that cannot be used, and why. */
    private static final class BadRecord extends Exception {
        BadRecord(String reason) {
            super(reason);
        }
    }

    private SampleCache(Path directory, Path realDirectory, CacheKey key, Consumer<String> warnings, FileChannel log) {
        this.directory = directory;
        this.realDirectory = realDirectory;
        this.key = key;
        this.warnings = warnings;
        this.log = log;
    }

    /** {@link #open(Path, CacheKey, Consumer)} with warnings printed to {@code System.err}. */
    public static SampleCache open(Path root, CacheKey key) throws IOException {
        return open(root, key, System.err::println);
    }

    /**
     * Opens, creating it if needed, the store of {@code key} under {@code root}, and loads its index.
     * Damaged or torn records are cut off and reported to {@code warnings}.
     *
     * @throws IOException if another process (or this one) has the store open, if its {@code key.json}
     *                     describes a different key or cannot be read, if its log is not a cache log,
     *                     has another format version or belongs to another key (these files are left
     *                     untouched: move or delete the directory), or on an I/O error
     */
    public static SampleCache open(Path root, CacheKey key, Consumer<String> warnings) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(warnings, "warnings");
        Path directory = Files.createDirectories(root.resolve(key.digest()));
        Path real = directory.toRealPath();
        // Checked before opening the log: closing any descriptor of a file drops this process's
        // lock on it (POSIX), so a refused second open must not open and close one.
        synchronized (OPEN) {
            if (!OPEN.add(real)) {
                throw new IOException("cache " + directory + " is in use: it is already open in this process");
            }
        }
        FileChannel log = null;
        try {
            log = FileChannel.open(directory.resolve(LOG_FILE), CREATE, READ, WRITE);
            lock(log, directory);
            SampleCache cache = new SampleCache(directory, real, key, warnings, log);
            cache.checkKeyFile();
            cache.load();
            return cache;
        } catch (IOException | RuntimeException | Error e) {
            if (log != null) {
                log.close(); // also releases the lock
            }
            forget(real);
            throw e;
        }
    }

    private static void forget(Path directory) {
        synchronized (OPEN) {
            OPEN.remove(directory);
        }
    }

    private static void lock(FileChannel log, Path directory) throws IOException {
        FileLock lock;
        try {
            lock = log.tryLock();
        } catch (OverlappingFileLockException e) {
            // Only reachable through another path to the same file (a hard link).
            throw new IOException("cache " + directory + " is in use: it is already open in this process", e);
        }
        if (lock == null) {
            throw new IOException("cache " + directory + " is in use by another process");
        }
    }

    private void checkKeyFile() throws IOException {
        Path file = directory.resolve(KEY_FILE);
        if (Files.exists(file)) {
            Map<String, String> found;
            try {
                found = CacheKey.parseJson(Files.readString(file));
            } catch (IllegalArgumentException | CharacterCodingException e) {
                throw new IOException("cannot read cache key file " + file + ": " + e.getMessage()
                        + "; move or delete " + directory + " to re-make the cache", e);
            }
            if (!found.equals(key.entries())) {
                throw new IOException("cache key file " + file + " describes " + found + ", not " + key.entries()
                        + "; the directory is named by the key's digest, so its files were edited or moved by hand;"
                        + " move or delete " + directory + " to re-make the cache");
            }
            return;
        }
        // Written whole or not at all, so a reader never sees half a key.
        Path temp = Files.createTempFile(directory, "." + KEY_FILE + ".", ".tmp");
        try {
            Files.writeString(temp, key.toJson());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private byte[] fileHeader() {
        return ByteBuffer.allocate(FILE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(FILE_MAGIC).putInt(FORMAT_VERSION).put(HexFormat.of().parseHex(key.digest())).array();
    }

    private void load() throws IOException {
        Path file = directory.resolve(LOG_FILE);
        byte[] expected = fileHeader();
        long size = log.size();
        byte[] header = new byte[(int) Math.min(size, FILE_HEADER_BYTES)];
        readFully(ByteBuffer.wrap(header), 0);
        if (size < FILE_HEADER_BYTES) {
            // A new log, or one whose creation was interrupted.
            if (!Arrays.equals(header, Arrays.copyOf(expected, header.length))) {
                throw new IOException(file + " is not a qprobe cache log; move or delete " + directory);
            }
            log.truncate(0);
            writeFully(ByteBuffer.wrap(expected), 0);
            log.force(true);
            end = FILE_HEADER_BYTES;
            return;
        }
        if (!Arrays.equals(header, 0, FILE_MAGIC.length, expected, 0, FILE_MAGIC.length)) {
            throw new IOException(file + " is not a qprobe cache log; move or delete " + directory);
        }
        int version = ByteBuffer.wrap(header, FILE_MAGIC.length, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(file + " has cache format version " + version + " but this code reads version "
                    + FORMAT_VERSION + "; move or delete " + directory + " to re-make the cache");
        }
        if (!Arrays.equals(header, expected)) {
            throw new IOException(file + " belongs to the cache key with digest "
                    + HexFormat.of().formatHex(header, FILE_MAGIC.length + 4, FILE_HEADER_BYTES)
                    + ", not " + key.digest() + "; move or delete " + directory);
        }
        scan(size);
    }

    /** Indexes the records from the file header to {@code size}, cutting the log at the first bad one. */
    private void scan(long size) throws IOException {
        end = FILE_HEADER_BYTES;
        int records = 0;
        while (end < size) {
            try {
                Span span = index(end, size);
                end += span.length();
                records++;
            } catch (BadRecord bad) {
                dropFrom(end, size, "record " + (records + 1) + " is unusable (" + bad.getMessage() + ")",
                        " The " + records + " records before it were kept.");
                return;
            }
        }
    }

    /** Reads, checks and indexes the record at {@code offset}. */
    private Span index(long offset, long size) throws IOException, BadRecord {
        Raw raw = read(offset, size);
        Span span = new Span(offset, RECORD_HEADER_BYTES + raw.payload().remaining() + CRC_BYTES);
        if (raw.kind() == SAMPLES) {
            IdSamples samples = parseSamples(raw.payload());
            prompts.put(samples.promptId(), new PromptEntry(span, samples.samples().size(), new LinkedHashMap<>()));
        } else if (raw.kind() == FEATURES) {
            IdFeatures features = parseFeatures(raw.payload());
            PromptEntry entry = prompts.get(features.promptId());
            // The writer puts features only after their samples; anything else is not its output.
            if (entry == null || features.rows() != entry.k()) {
                throw new BadRecord("features of prompt \"" + features.promptId() + "\" that do not match its samples");
            }
            entry.features().put(features.sourceId(), span);
        } else {
            throw new BadRecord("unknown record kind " + raw.kind());
        }
        return span;
    }

    /** A prompt id with its samples, as read from a record. */
    private record IdSamples(String promptId, PromptSamples samples) {
    }

    /** The ids and shape of a features record, and its values (rows times columns little-endian floats). */
    private record IdFeatures(String promptId, String sourceId, int rows, int columns, ByteBuffer values) {
    }

    private static IdSamples parseSamples(ByteBuffer payload) throws BadRecord {
        try {
            return parseSamplesOrUnderflow(payload);
        } catch (BufferUnderflowException e) {
            throw new BadRecord("payload shorter than its content");
        }
    }

    private static IdFeatures parseFeatures(ByteBuffer payload) throws BadRecord {
        try {
            String promptId = readString(payload);
            String sourceId = readString(payload);
            int rows = payload.getInt();
            int columns = payload.getInt();
            if (rows < 1 || columns < 1 || (long) rows * columns * Float.BYTES != payload.remaining()) {
                throw new BadRecord("features of prompt \"" + promptId + "\" of the wrong size");
            }
            return new IdFeatures(promptId, sourceId, rows, columns, payload);
        } catch (BufferUnderflowException e) {
            throw new BadRecord("payload shorter than its content");
        }
    }

    private static IdSamples parseSamplesOrUnderflow(ByteBuffer payload) throws BadRecord {
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
        return new IdSamples(promptId, new PromptSamples(completions, rewards));
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

    /** The record at {@code offset}, if it lies whole before {@code size} and its checksum matches. */
    private Raw read(long offset, long size) throws IOException, BadRecord {
        long available = size - offset;
        if (available < RECORD_HEADER_BYTES + CRC_BYTES) {
            throw new BadRecord("incomplete record, as a torn write leaves");
        }
        ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(head, offset);
        int magic = head.getInt(0);
        byte kind = head.get(4);
        int length = head.getInt(5);
        if (magic != RECORD_MAGIC) {
            throw new BadRecord("no record starts there");
        }
        if (length < 0 || length > available - RECORD_HEADER_BYTES - CRC_BYTES) {
            throw new BadRecord("record runs past the end of the file, as a torn write leaves");
        }
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + length + CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(record, offset);
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 0, RECORD_HEADER_BYTES + length);
        if ((int) crc.getValue() != record.getInt(RECORD_HEADER_BYTES + length)) {
            throw new BadRecord("checksum mismatch");
        }
        ByteBuffer payload = record.slice(RECORD_HEADER_BYTES, length).order(ByteOrder.LITTLE_ENDIAN);
        return new Raw(kind, payload);
    }

    /**
     * Cuts the log at {@code offset}, where an unusable record starts, forgets what was indexed from
     * there on and reports it. Appending after a bad record would hide the new records behind it.
     */
    private void dropFrom(long offset, long size, String what, String kept) throws IOException {
        log.truncate(offset);
        log.force(true);
        end = offset;
        prompts.values().removeIf(entry -> entry.samples().offset() >= offset);
        for (PromptEntry entry : prompts.values()) {
            entry.features().values().removeIf(span -> span.offset() >= offset);
        }
        warnings.accept("WARNING: cache " + directory + ": " + what + " at byte " + offset + " of " + LOG_FILE
                + "; dropped it and all after it (" + (size - offset) + " bytes)." + kept
                + " The samples and features that were dropped are no longer cached and will be re-made.");
    }

    /**
     * The cached samples of {@code promptId}, if any. A record damaged on disk since the store was
     * opened is treated as at opening: it and all later records are cut off, with a warning.
     */
    public synchronized Optional<PromptSamples> samples(String promptId) throws IOException {
        checkOpen();
        PromptEntry entry = prompts.get(promptId);
        if (entry == null) {
            return Optional.empty();
        }
        String what = "the samples record of prompt \"" + promptId + "\"";
        try {
            Raw raw = read(entry.samples().offset(), end);
            IdSamples found = raw.kind() == SAMPLES ? parseSamples(raw.payload()) : null;
            if (found == null || !found.promptId().equals(promptId)) {
                throw new BadRecord("it holds another record");
            }
            return Optional.of(found.samples());
        } catch (BadRecord e) {
            dropFrom(entry.samples().offset(), end, what + " changed on disk since the cache was opened ("
                    + e.getMessage() + ")", "");
            return Optional.empty();
        }
    }

    /**
     * Caches the samples of {@code promptId}, replacing any earlier ones and forgetting the features
     * computed from those. On return the record is on disk.
     *
     * @param rewards {@code rewards[i]} is the reward of {@code completions.get(i)}; all finite
     * @throws IllegalArgumentException naming the prompt if the counts differ, there are no
     *                                  completions or a reward is NaN or infinite
     */
    public synchronized void putSamples(String promptId, List<Completion> completions, double[] rewards)
            throws IOException {
        checkOpen();
        checkId(promptId, "prompt id");
        int n = completions.size();
        if (n == 0 || rewards.length != n) {
            throw new IllegalArgumentException("prompt \"" + promptId + "\": " + n + " completions and "
                    + rewards.length + " rewards; need at least one, and one reward per completion");
        }
        long length = 4 + 2L * promptId.length() + 4;
        for (int i = 0; i < n; i++) {
            Completion c = Objects.requireNonNull(completions.get(i), "completion");
            Objects.requireNonNull(c.text(), "completion text");
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("prompt \"" + promptId + "\": reward " + i + " is " + rewards[i]
                        + "; rewards must be finite");
            }
            length += 4 + 2L * c.text().length() + 4 + 1 + 8;
        }
        ByteBuffer record = newRecord(SAMPLES, length, promptId);
        putString(record, promptId);
        record.putInt(n);
        for (int i = 0; i < n; i++) {
            Completion c = completions.get(i);
            putString(record, c.text());
            record.putInt(c.tokens()).put((byte) (c.stopped() ? 1 : 0)).putDouble(rewards[i]);
        }
        Span span = append(record);
        prompts.put(promptId, new PromptEntry(span, n, new LinkedHashMap<>()));
    }

    /**
     * The cached features of {@code promptId} from {@code sourceId}, one row per completion, if any.
     * Damage is handled as by {@link #samples}.
     */
    public synchronized Optional<float[][]> features(String promptId, String sourceId) throws IOException {
        checkOpen();
        PromptEntry entry = prompts.get(promptId);
        Span span = entry == null ? null : entry.features().get(sourceId);
        if (span == null) {
            return Optional.empty();
        }
        try {
            Raw raw = read(span.offset(), end);
            IdFeatures found = raw.kind() == FEATURES ? parseFeatures(raw.payload()) : null;
            if (found == null || !found.promptId().equals(promptId) || !found.sourceId().equals(sourceId)
                    || found.rows() != entry.k()) {
                throw new BadRecord("it holds another record");
            }
            float[][] features = new float[found.rows()][found.columns()];
            ByteBuffer values = found.values();
            for (float[] row : features) {
                values.asFloatBuffer().get(row);
                values.position(values.position() + row.length * Float.BYTES);
            }
            return Optional.of(features);
        } catch (BadRecord e) {
            dropFrom(span.offset(), end, "the features record of prompt \"" + promptId + "\" from \"" + sourceId
                    + "\" changed on disk since the cache was opened (" + e.getMessage() + ")", "");
            return Optional.empty();
        }
    }

    /**
     * Caches the features of {@code promptId} from {@code sourceId}, replacing earlier ones. They
     * belong to the prompt's cached samples: row i is the features of completion i. On return the
     * record is on disk.
     *
     * @throws IllegalStateException    if no samples of {@code promptId} are cached
     * @throws IllegalArgumentException naming the prompt if the row count is not the number of
     *                                  completions, rows differ in length or are empty, or a value is
     *                                  NaN or infinite
     */
    public synchronized void putFeatures(String promptId, String sourceId, float[][] features) throws IOException {
        checkOpen();
        checkId(sourceId, "feature source id");
        PromptEntry entry = prompts.get(promptId);
        if (entry == null) {
            throw new IllegalStateException("no samples of prompt \"" + promptId + "\" are cached; features belong to "
                    + "the samples they were computed from, so put the samples first");
        }
        if (features.length != entry.k()) {
            throw new IllegalArgumentException("prompt \"" + promptId + "\": " + features.length
                    + " feature rows for " + entry.k() + " completions; need one row per completion");
        }
        int columns = Objects.requireNonNull(features[0], "feature row").length;
        for (int i = 0; i < features.length; i++) {
            float[] row = Objects.requireNonNull(features[i], "feature row");
            if (row.length != columns || columns == 0) {
                throw new IllegalArgumentException("prompt \"" + promptId + "\": feature row " + i + " has "
                        + row.length + " values but row 0 has " + columns + "; rows must be equally long and not empty");
            }
            for (int j = 0; j < columns; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException("prompt \"" + promptId + "\": feature [" + i + "][" + j
                            + "] is " + row[j] + "; features must be finite");
                }
            }
        }
        long length = 4 + 2L * promptId.length() + 4 + 2L * sourceId.length() + 8
                + (long) features.length * columns * Float.BYTES;
        ByteBuffer record = newRecord(FEATURES, length, promptId);
        putString(record, promptId);
        putString(record, sourceId);
        record.putInt(features.length).putInt(columns);
        for (float[] row : features) {
            record.asFloatBuffer().put(row);
            record.position(record.position() + columns * Float.BYTES);
        }
        entry.features().put(sourceId, append(record));
    }

    /** Whether features of {@code promptId} from {@code sourceId} are cached (without reading them). */
    public synchronized boolean hasFeatures(String promptId, String sourceId) {
        checkOpen();
        PromptEntry entry = prompts.get(promptId);
        return entry != null && entry.features().containsKey(sourceId);
    }

    /** The ids of the prompts whose samples are cached, in the order they were first put. */
    public synchronized Set<String> promptIds() {
        checkOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(prompts.keySet()));
    }

    /** The number of prompts whose samples are cached. */
    public synchronized int size() {
        checkOpen();
        return prompts.size();
    }

    /** The directory of this store: {@code root/<key digest>}. */
    public Path directory() {
        return directory;
    }

    /** The key this store was opened with. */
    public CacheKey key() {
        return key;
    }

    /** Releases the lock and closes the log; later calls fail. Closing twice does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                log.close();
            } finally {
                forget(realDirectory);
            }
        }
    }

    @Override
    public String toString() {
        return "SampleCache[" + directory + "]";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache " + directory + " is closed");
        }
    }

    private static void checkId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a " + what + " must not be blank");
        }
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

    /** Seals {@code record} (filled up to its checksum) with its checksum, appends it and forces it to disk. */
    private Span append(ByteBuffer record) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 0, record.position());
        record.putInt((int) crc.getValue());
        if (record.hasRemaining()) {
            throw new IllegalStateException("record size miscounted by " + record.remaining() + " bytes");
        }
        record.flip();
        try {
            writeFully(record, end);
            log.force(false);
        } catch (IOException e) {
            // Leave no partial record for the next put to land behind.
            try {
                log.truncate(end);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        Span span = new Span(end, record.limit());
        end += record.limit();
        return span;
    }

    private void writeFully(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            position += log.write(b, position);
        }
    }

    private void readFully(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            int n = log.read(b, position);
            if (n < 0) {
                throw new EOFException(directory.resolve(LOG_FILE) + " ended early");
            }
            position += n;
        }
    }
}
