package dev.qprobe.io;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import dev.qprobe.data.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads and writes 2-D feature arrays in NumPy's {@code .npy} format, without NumPy.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, C (row-major) order only, and the dtypes
 * that {@link NpyHeader} lists (float32, float16, bfloat16 bits). The array must be 2-D, shape
 * (n, d): one row per sample. {@link #read} widens the values exactly into one heap float32
 * array, streaming a few MB at a time so a 1.6 GB file needs no second full copy; {@link #map}
 * reads files of any size in place, through the page cache (see {@link MappedNpy}). Bytes after
 * the data are rejected: they usually mean several arrays were saved into one file.
 *
 * <p>Writing produces version 1.0, little-endian, C order, with the header padded to a multiple of
 * 64 bytes as NumPy does; {@code np.load} reads float32 and float16 back as such.
 *
 * <p>Content errors throw {@link DataFormatException} whose message starts with the file path.
 */
public final class Npy {
    /** Bytes converted per read or write: large enough to amortise system calls, small next to the data. */
    static final int CHUNK_BYTES = 4 << 20;

    private Npy() {
    }

    /**
     * Reads a 2-D array into the heap as float32.
     *
     * @throws DataFormatException if the file is not a supported .npy array, is truncated, has
     *                             trailing bytes or holds a NaN or infinite value (naming its row and column)
     * @throws IOException         if the file cannot be read
     */
    public static FeatureMatrix read(Path file) throws IOException {
        String src = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader header = NpyHeader.read(channel, src);
            header.requireDataSize(channel.size(), src);
            try {
                FeatureMatrix.checkShape(header.rows(), header.dim(), src);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(e.getMessage(), e);
            }
            float[] data = new float[Math.toIntExact(header.rows() * header.dim())];
            readData(channel, header, data, src);
            if (header.float64()) {
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
     * Maps one file or several (rows concatenated in the order given) without reading them into
     * the heap. See {@link MappedNpy#map}.
     */
    public static FeatureMatrix map(List<Path> files) throws IOException {
        return MappedNpy.map(files);
    }

    /** Maps {@code file}; see {@link #map(List)}. */
    public static FeatureMatrix map(Path file) throws IOException {
        return MappedNpy.map(List.of(file));
    }

    /**
     * The shard files {@code features-00000.npy, features-00001.npy, ...} in {@code directory}, in
     * order; see {@link MappedNpy#shards}.
     */
    public static List<Path> shards(Path directory) throws IOException {
        return MappedNpy.shards(directory);
    }

    /**
     * Writes {@code matrix} as a version 1.0, little-endian float32 array of shape (rows, dim),
     * replacing {@code file} only once the whole file is written.
     *
     * @throws IOException if the file cannot be written (the previous file, if any, is then intact)
     */
    public static void write(Path file, FeatureMatrix matrix) throws IOException {
        write(file, matrix, FeaturePrecision.F32);
    }

    /**
     * Writes {@code matrix} with values stored as {@code precision} (narrowed to nearest, ties to
     * even): '<f4', '<f2' or bfloat16 bits as '|V2'; atomically, like {@link #write(Path, FeatureMatrix)}.
     */
    public static void write(Path file, FeatureMatrix matrix, FeaturePrecision precision) throws IOException {
        try (PendingFile pending = PendingFile.create(file)) {
            writeTo(pending.path(), matrix, precision);
            pending.commit();
        }
    }

    /** Writes a float32 file in place (not atomically), flushed to disk. */
    static void writeTo(Path file, FeatureMatrix matrix) throws IOException {
        writeTo(file, matrix, FeaturePrecision.F32);
    }

    /** Writes the file in place (not atomically), flushed to disk. */
    static void writeTo(Path file, FeatureMatrix matrix, FeaturePrecision precision) throws IOException {
        int dim = matrix.dim();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, ByteBuffer.wrap(NpyHeader.encode(matrix.rows(), dim, NpyHeader.descrOf(precision))));
            int rowsPerChunk = Math.max(1, CHUNK_BYTES / (dim * Float.BYTES));
            float[] values = new float[rowsPerChunk * dim];
            ByteBuffer buffer = ByteBuffer.allocate(rowsPerChunk * dim * precision.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < matrix.rows(); from += rowsPerChunk) {
                int count = Math.min(rowsPerChunk, matrix.rows() - from);
                matrix.copyRows(from, count, values, 0);
                buffer.clear();
                for (int i = 0; i < count * dim; i++) {
                    switch (precision) {
                        case F32 -> buffer.putFloat(values[i]);
                        case F16 -> buffer.putShort(HalfFloats.floatToF16(values[i]));
                        case BF16 -> buffer.putShort(HalfFloats.floatToBf16(values[i]));
                    }
                }
                buffer.flip();
                writeFully(channel, buffer);
            }
            // Flush to disk before any rename, so a crash cannot leave an empty file under the name.
            channel.force(false);
        }
    }

    /**
     * The version 1.0 header for a (rows, dim) array of {@code precision}, for writers that stream
     * the data themselves: the data follows it directly, little-endian, row-major.
     */
    public static byte[] headerBytes(long rows, long dim, FeaturePrecision precision) {
        return NpyHeader.encode(rows, dim, NpyHeader.descrOf(precision));
    }

    /** The version 1.0 preamble and header for a C-order {@code <f4} array of shape (rows, dim). */
    static byte[] header(int rows, int dim) {
        return NpyHeader.encode(rows, dim, "<f4");
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void readData(FileChannel channel, NpyHeader header, float[] data, String src) throws IOException {
        int itemSize = header.itemSize();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(header.order());
        int perChunk = CHUNK_BYTES / itemSize;
        for (int off = 0; off < data.length; off += perChunk) {
            int count = Math.min(perChunk, data.length - off);
            buffer.clear().limit(count * itemSize);
            NpyHeader.readFully(channel, buffer, src);
            buffer.flip();
            if (header.float64()) {
                for (int i = 0; i < count; i++) {
                    data[off + i] = (float) buffer.getDouble();
                }
                continue;
            }
            switch (header.precision()) {
                case F32 -> buffer.asFloatBuffer().get(data, off, count);
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        data[off + i] = HalfFloats.f16ToFloat(buffer.getShort());
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        data[off + i] = HalfFloats.bf16ToFloat(buffer.getShort());
                    }
                }
            }
        }
    }
}
