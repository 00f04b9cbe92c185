package dev.qprobe.cache;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.qprobe.cache.LogReader.Damage;
import dev.qprobe.cache.RecordCodec.BadRecord;
import dev.qprobe.cache.RecordCodec.Features;
import dev.qprobe.cache.RecordCodec.Header;
import dev.qprobe.cache.RecordCodec.Record;
import dev.qprobe.cache.RecordCodec.Samples;
import dev.qprobe.data.PromptSamples;
import dev.qprobe.model.Completion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A crash-safe on-disk store of sampled completions, their rewards and their feature vectors, for
 * one {@link CacheKey}: {@code open(root, key)} uses the directory {@code root/<key digest>}, so
 * data made under one key is never read under another.
 *
 * <p>Per prompt it holds the samples (completions and rewards) and, per feature source (an
 * {@code Embedder.id()}), a feature matrix with one row per completion. Features belong to the
 * samples they were computed from: putting new samples for a prompt forgets its features.
 *
 * <p>Every put is appended to a log ({@link RecordCodec} describes its bytes) and forced to disk
 * before it returns, so a process killed at any moment loses at most the record it was writing.
 * Opening the store checks every record's checksum. A damaged record costs only itself: the
 * reader steps to the next whole record, the damaged bytes are copied to
 * {@code records.log.damaged-<time>} and marked to be skipped (a torn tail is cut off), with a
 * warning, and what they held is simply missing, to be made again. Valid records are never cut
 * off and damaged data is never returned. A damaged header or {@code key.json} stops the open with
 * a {@link CacheDamagedException} instead; {@link CacheRepair} mends them.
 *
 * <p>One process at a time may open a store (a file lock enforces it); within that process the
 * store is thread-safe. Close it to release the lock.
 */
public final class SampleCache implements AutoCloseable {
    static final String LOG_FILE = RecordCodec.LOG_FILE;
    static final String KEY_FILE = KeyFile.NAME;

    private final Path directory;
    private final Path realDirectory;
    private final CacheKey key;
    private final Consumer<String> warnings;
    private final FileChannel log;
    private final LogReader reader;
    private final Map<String, PromptEntry> prompts = new LinkedHashMap<>();
    private long end;
    private boolean closed;

    /** Where a record lies in the log: its first byte and its length, header and checksum included. */
    private record Span(long offset, int length) {
    }

    /** What the log holds for one prompt: its samples record and the feature records that belong to it. */
    private record PromptEntry(Span samples, int k, Map<String, Span> features) {
    }

    private SampleCache(Path directory, Path realDirectory, CacheKey key, Consumer<String> warnings, FileChannel log) {
        this.directory = directory;
        this.realDirectory = realDirectory;
        this.key = key;
        this.warnings = warnings;
        this.log = log;
        this.reader = new LogReader(log, directory.resolve(LOG_FILE));
    }

    /** {@link #open(Path, CacheKey, Consumer)} with warnings printed to {@code System.err}. */
    public static SampleCache open(Path root, CacheKey key) throws IOException {
        return open(root, key, System.err::println);
    }

    /**
     * Opens, creating it if needed, the store of {@code key} under {@code root}, and loads its index.
     * Damaged or torn records are set aside and reported to {@code warnings}; the records around
     * them are kept.
     *
     * @throws CacheDamagedException if the log's header or {@code key.json} is damaged (nothing is changed)
     * @throws IOException           if another process (or this one) has the store open, if its log is
     *                               not a cache log, is of a newer format or belongs to another key (these
     *                               files are left untouched: move or delete the directory), or on an I/O error
     */
    public static SampleCache open(Path root, CacheKey key, Consumer<String> warnings) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(warnings, "warnings");
        Path directory = Files.createDirectories(root.resolve(key.digest()));
        Path real = directory.toRealPath();
        StoreLock.claim(real, directory);
        FileChannel log = null;
        try {
            log = FileChannel.open(directory.resolve(LOG_FILE), CREATE, READ, WRITE);
            StoreLock.lock(log, directory);
            SampleCache cache = new SampleCache(directory, real, key, warnings, log);
            cache.checkKeyFile();
            cache.load();
            return cache;
        } catch (IOException | RuntimeException | Error e) {
            if (log != null) {
                log.close(); // also releases the lock
            }
            StoreLock.release(real);
            throw e;
        }
    }

    private void checkKeyFile() throws IOException {
        KeyFile.State state = KeyFile.read(directory);
        if (state instanceof KeyFile.Missing) {
            KeyFile.write(directory, key);
        } else if (state instanceof KeyFile.Damaged damaged) {
            throw new CacheDamagedException(directory, KEY_FILE + " fails its check: " + damaged.reason());
        }
    }

    private void load() throws IOException {
        Path file = directory.resolve(LOG_FILE);
        long size = log.size();
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, RecordCodec.HEADER_BYTES));
        reader.readFully(head, 0);
        Header header = RecordCodec.classify(head.array(), key.digest());
        if (header instanceof Header.Valid valid) {
            scan(valid.length(), size);
        } else if (header instanceof Header.Fresh) {
            log.truncate(0);
            ByteBuffer bytes = ByteBuffer.wrap(RecordCodec.header(key.digest()));
            while (bytes.hasRemaining()) {
                log.write(bytes, bytes.position());
            }
            log.force(true);
            end = RecordCodec.HEADER_BYTES;
        } else if (header instanceof Header.Damaged damaged) {
            throw new CacheDamagedException(directory,
                    "the header of " + LOG_FILE + " fails its check (" + damaged.reason() + ")");
        } else if (header instanceof Header.Newer newer) {
            throw new IOException(file + " has cache format version " + newer.version()
                    + ", written by a newer qprobe; this code reads versions 1 and " + RecordCodec.FORMAT_VERSION
                    + ". Use the newer qprobe, or move " + directory + " away to re-make the cache");
        } else if (header instanceof Header.Foreign foreign) {
            throw new IOException(file + " belongs to the cache key with digest " + foreign.digest() + ", not "
                    + key.digest() + "; move or delete " + directory);
        } else {
            throw new IOException(file + " is not a qprobe cache log; move or delete " + directory);
        }
    }

    /** Indexes the records from {@code start} to {@code size}, setting damaged ranges aside. */
    private void scan(long start, long size) throws IOException {
        List<Damage> damage = reader.scan(start, size, this::index);
        end = size;
        if (!damage.isEmpty()) {
            String done = Quarantine.apply(log, reader, directory, damage);
            end = log.size();
            warnings.accept("WARNING: cache " + directory + ": " + LOG_FILE + " holds damaged bytes: "
                    + Quarantine.describe(damage) + ". Every whole record before and after them was kept. " + done
                    + ". The samples and features they held are no longer cached and will be re-made.");
        }
    }

    /** Adds a whole record to the index; later records replace earlier ones. */
    private void index(long offset, int length, Record record) {
        if (record instanceof Samples samples) {
            prompts.put(samples.promptId(),
                    new PromptEntry(new Span(offset, length), samples.samples().size(), new LinkedHashMap<>()));
        } else if (record instanceof Features features) {
            PromptEntry entry = prompts.get(features.promptId());
            if (belongs(features, entry)) {
                entry.features().put(features.sourceId(), new Span(offset, length));
            }
            // Otherwise its samples were replaced or lost to damage: the features will be made again.
        }
    }

    /** Whether {@code features} were computed from the samples of {@code entry}. */
    private static boolean belongs(Features features, PromptEntry entry) {
        return entry != null && features.rows() == entry.k()
                && (features.samplesOffset() < 0 || features.samplesOffset() == entry.samples().offset());
    }

    /**
     * The cached samples of {@code promptId}, if any. A record damaged on disk since the store was
     * opened is forgotten with a warning, to be made again; the next open sets its bytes aside.
     */
    public synchronized Optional<PromptSamples> samples(String promptId) throws IOException {
        checkOpen();
        PromptEntry entry = prompts.get(promptId);
        if (entry == null) {
            return Optional.empty();
        }
        try {
            Record record = reader.recordAt(entry.samples().offset(), end);
            if (!(record instanceof Samples found) || !found.promptId().equals(promptId)) {
                throw new BadRecord("it holds another record");
            }
            return Optional.of(found.samples());
        } catch (BadRecord e) {
            prompts.remove(promptId);
            warnChanged("the samples record of prompt \"" + promptId + "\"", entry.samples(), e);
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
        for (int i = 0; i < n; i++) {
            Completion c = Objects.requireNonNull(completions.get(i), "completion");
            Objects.requireNonNull(c.text(), "completion text");
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("prompt \"" + promptId + "\": reward " + i + " is " + rewards[i]
                        + "; rewards must be finite");
            }
        }
        Span span = append(RecordCodec.samples(promptId, completions, rewards));
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
            Record record = reader.recordAt(span.offset(), end);
            if (!(record instanceof Features found) || !found.promptId().equals(promptId)
                    || !found.sourceId().equals(sourceId) || !belongs(found, entry)) {
                throw new BadRecord("it holds another record");
            }
            return Optional.of(found.matrix());
        } catch (BadRecord e) {
            entry.features().remove(sourceId);
            warnChanged("the features record of prompt \"" + promptId + "\" from \"" + sourceId + "\"", span, e);
            return Optional.empty();
        }
    }

    private void warnChanged(String what, Span span, BadRecord e) {
        warnings.accept("WARNING: cache " + directory + ": " + what + " at byte " + span.offset() + " of " + LOG_FILE
                + " changed on disk since the cache was opened (" + e.getMessage() + "); it will be re-made, and the"
                + " next open sets the damaged bytes aside.");
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
        ByteBuffer record = RecordCodec.features(promptId, sourceId, entry.samples().offset(), features);
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
                StoreLock.release(realDirectory);
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

    /** Appends a sealed record and forces it to disk. */
    private Span append(ByteBuffer record) throws IOException {
        long position = end;
        try {
            while (record.hasRemaining()) {
                position += log.write(record, position);
            }
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
}
