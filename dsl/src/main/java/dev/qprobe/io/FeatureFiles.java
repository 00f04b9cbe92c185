package dev.qprobe.io;

import dev.qprobe.data.FeatureMatrix;
import dev.qprobe.data.FeaturePrecision;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Opens the features a user points at, the one way {@code qprobe train} and the benchmarks do:
 * a directory of shards ({@code features-00000.npy, ...}) or a file too large for a comfortable
 * heap copy is mapped and read in place; anything else is read into the heap. Heap features are
 * then stored with the precision asked for (bfloat16 halves memory and bytes per epoch).
 */
public final class FeatureFiles {
    /** A heap copy may take at most this share of the maximum heap; above it the file is mapped. */
    static final double HEAP_SHARE = 0.4;

    private FeatureFiles() {
    }

    /**
     * The features at {@code path} (a .npy file or a directory of shards), stored as {@code precision}
     * where they are copied into the heap. Mapped files keep their own precision: float32, float16 or
     * bfloat16 as written (see {@link Npy#write(Path, FeatureMatrix, FeaturePrecision)}).
     */
    public static FeatureMatrix open(Path path, FeaturePrecision precision) throws IOException {
        if (Files.isDirectory(path)) {
            return Npy.map(Npy.shards(path));
        }
        NpyHeader header;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            header = NpyHeader.read(channel, path.toString());
        }
        long heapBytes = header.rows() * header.dim() * (Float.BYTES + precision.bytes());
        boolean fits = header.rows() * header.dim() <= Integer.MAX_VALUE - 8L
                && heapBytes <= HEAP_SHARE * Runtime.getRuntime().maxMemory();
        if (!fits) {
            return Npy.map(List.of(path));
        }
        return Npy.read(path).withPrecision(precision);
    }
}
