package dev.qprobe.io;

import dev.qprobe.data.BufferStore;
import dev.qprobe.data.FeatureMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Feature files read in place: each {@code .npy} file's data is memory-mapped (in segments of
 * whole rows, a buffer holding at most 2 GiB) and the kernels read it through the page cache, so
 * a set far larger than the heap trains without being copied. The operating system keeps as much
 * of it cached as memory allows; a set that fits in memory reads at memory speed after its first
 * epoch.
 */
final class MappedNpy {
    /** Shard names as {@link #shards} expects and exporters write them. */
    static final Pattern SHARD = Pattern.compile("features-(\\d{5})\\.npy");

    private MappedNpy() {
    }

    /**
     * Maps {@code files} as one matrix, their rows concatenated in order. Every file must have the
     * same dim and dtype. The values are checked once to be finite (one read of each file).
     *
     * @throws DataFormatException naming the file, on a malformed file, a shard that does not match
     *                             the first, or a NaN or infinite value (with its row and column)
     */
    static FeatureMatrix map(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no feature files to map");
        }
        List<ByteBuffer> segments = new ArrayList<>();
        NpyHeader first = null;
        long rows = 0;
        for (Path file : files) {
            String src = file.toString();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                NpyHeader header = NpyHeader.read(channel, src);
                header.requireDataSize(channel.size(), src);
                if (header.float64()) {
                    throw new DataFormatException(src + ": float64 features cannot be read in place; save them with "
                            + "a.astype(np.float32) (or np.float16) to map them, or read the file into the heap");
                }
                if (first == null) {
                    first = header;
                } else if (header.dim() != first.dim() || !header.descr().equals(first.descr())) {
                    throw new DataFormatException(src + ": " + header.layout() + " does not match the first file "
                            + files.get(0) + ", " + first.layout() + ": shards must share dim and dtype");
                }
                long rowBytes = header.dim() * header.itemSize();
                if (rowBytes > Integer.MAX_VALUE - 8) {
                    throw new DataFormatException(src + ": one row of " + header.layout() + " is over 2 GiB");
                }
                int perSegment = BufferStore.rowsPerSegment((int) header.dim(), header.precision());
                List<ByteBuffer> fileSegments = new ArrayList<>();
                for (long from = 0; from < header.rows(); from += perSegment) {
                    long count = Math.min(perSegment, header.rows() - from);
                    fileSegments.add(channel.map(FileChannel.MapMode.READ_ONLY,
                            header.dataOffset() + from * rowBytes, count * rowBytes));
                }
                try {
                    // Checked file by file, so an error names the file and its own row numbers.
                    BufferStore.of(header.precision(), header.order(), (int) header.dim(), fileSegments, true, src)
                            .requireFinite(src);
                } catch (IllegalArgumentException e) {
                    throw new DataFormatException(e.getMessage(), e);
                }
                segments.addAll(fileSegments);
                rows += header.rows();
            }
        }
        String source = files.size() == 1 ? files.get(0).toString() : files.get(0) + " and " + (files.size() - 1)
                + " more";
        if (rows > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(source + ": " + rows + " rows in all; at most " + (Integer.MAX_VALUE - 8)
                    + " are supported");
        }
        return FeatureMatrix.of(BufferStore.of(first.precision(), first.order(), (int) first.dim(), segments, true,
                source));
    }

    /**
     * The files {@code features-00000.npy}, {@code features-00001.npy}, ... in {@code directory},
     * in order of their number.
     *
     * @throws DataFormatException if there are none or a number is missing (rows would shift)
     */
    static List<Path> shards(Path directory) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> SHARD.matcher(p.getFileName().toString()).matches()).sorted().forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new DataFormatException(directory + ": no shard files named features-00000.npy, "
                    + "features-00001.npy, ...");
        }
        for (int i = 0; i < found.size(); i++) {
            Matcher m = SHARD.matcher(found.get(i).getFileName().toString());
            if (m.matches() && Integer.parseInt(m.group(1)) != i) {
                throw new DataFormatException(directory + ": shard " + String.format("features-%05d.npy", i)
                        + " is missing (found " + found.get(i).getFileName() + " next); the rows of the shards "
                        + "after it would be misnumbered");
            }
        }
        return found;
    }

    /** The name of shard {@code index}: features-00000.npy, ... */
    static String shardName(int index) {
        return String.format("features-%05d.npy", index);
    }
}
