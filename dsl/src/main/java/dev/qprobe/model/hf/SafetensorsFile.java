package dev.qprobe.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file, read through memory mappings: an 8-byte little-endian header
 * length, a JSON header {@code {name: {dtype, shape, data_offsets}}}, then the raw tensor bytes.
 * Each tensor is mapped on its own, so files of any size work (DJL's reader copies a whole file
 * into one byte array, which stops at 2 GiB); only a single tensor must stay under 2 GiB.
 */
public final class SafetensorsFile {
    /** A tensor's place in the file. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }
    }

    private static final long MAX_HEADER = 100L << 20;
    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /** Reads the header of {@code path}; tensor bytes are mapped only when asked for. */
    public static SafetensorsFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || ch.read(lenBuf, 0) != 8) {
                throw new IOException(path + " is not a safetensors file: shorter than its 8-byte header length");
            }
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new IOException(path + " is not a safetensors file: header length " + headerLen
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            while (header.hasRemaining()) {
                if (ch.read(header, 8 + header.position()) < 0) {
                    throw new IOException(path + ": header ends early");
                }
            }
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(header.array());
            } catch (IOException e) {
                throw new IOException(path + ": the safetensors header is not valid JSON: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(f.getKey(), entry(path, f.getKey(), f.getValue(), size - dataStart));
            }
            return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries));
        }
    }

    private static Entry entry(Path path, String name, JsonNode node, long dataSize) throws IOException {
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (!node.hasNonNull("dtype") || shapeNode == null || !shapeNode.isArray() || offsets == null
                || offsets.size() != 2) {
            throw new IOException(path + ": tensor " + name + " lacks dtype, shape or data_offsets in the header");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        Entry e = new Entry(name, node.get("dtype").asText(), shape, offsets.get(0).asLong(), offsets.get(1).asLong());
        int width = bytesPer(e.dtype());
        if (e.begin() < 0 || e.end() > dataSize || e.end() - e.begin() != e.elements() * width) {
            throw new IOException(path + ": tensor " + name + " (" + e.dtype() + " " + java.util.Arrays.toString(shape)
                    + ") has data_offsets [" + e.begin() + ", " + e.end() + ") that do not match its size or the file");
        }
        return e;
    }

    /** Bytes per element of the dtypes we read: F32, F16, BF16 (and F64/I64/I32 for completeness of errors). */
    static int bytesPer(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F64", "I64" -> 8;
            case "U8", "I8", "BOOL" -> 1;
            default -> 1;
        };
    }

    public Path path() {
        return path;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** A read-only little-endian mapping of one tensor's bytes. */
    public ByteBuffer map(Entry e) throws IOException {
        long length = e.end() - e.begin();
        if (length > Integer.MAX_VALUE) {
            throw new IOException(path + ": tensor " + e.name() + " is " + length
                    + " bytes; one tensor must stay under 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            // The mapping outlives the channel; it is released when the buffer is collected.
            return ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), length).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
