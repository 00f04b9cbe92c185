package dev.qprobe.model.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight files of a model folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists. Tensors are looked up by their Hugging Face names
 * (GPT-2's may carry a {@code transformer.} prefix or not) and checked against the shape our
 * code expects before any byte is read.
 */
public final class Checkpoint {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    private final List<Path> files = new ArrayList<>();

    private Checkpoint(Path dir) {
        this.dir = dir;
    }

    /** Opens the weight files of {@code dir} (headers only). */
    public static Checkpoint open(Path dir) throws IOException {
        Checkpoint c = new Checkpoint(dir);
        Path index = dir.resolve(INDEX);
        Path single = dir.resolve(SINGLE);
        if (Files.isRegularFile(index)) {
            JsonNode map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new IOException(index + " has no weight_map object");
            }
            Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shard = e.getValue().asText();
                SafetensorsFile file = opened.get(shard);
                if (file == null) {
                    Path p = dir.resolve(shard);
                    if (!Files.isRegularFile(p)) {
                        throw new IOException("missing shard " + p + " (listed in " + index + " for tensor "
                                + e.getKey() + ")");
                    }
                    file = SafetensorsFile.open(p);
                    opened.put(shard, file);
                    c.files.add(p);
                }
                if (!file.entries().containsKey(e.getKey())) {
                    throw new IOException(index + " places tensor " + e.getKey() + " in " + shard
                            + ", which does not hold it");
                }
                c.byTensor.put(e.getKey(), file);
            }
        } else if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            c.files.add(single);
            file.entries().keySet().forEach(name -> c.byTensor.put(name, file));
        } else {
            throw new IOException(dir + " holds neither " + SINGLE + " nor " + INDEX
                    + " (only safetensors weights are read; convert .bin checkpoints with save_pretrained)");
        }
        return c;
    }

    /** The weight files, in the order they were listed. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    public boolean has(String name) {
        return find(name) != null;
    }

    private String find(String name) {
        if (byTensor.containsKey(name)) {
            return name;
        }
        String prefixed = "transformer." + name;
        return byTensor.containsKey(prefixed) ? prefixed : null;
    }

    /** The stored dtype of one tensor (F32, F16 or BF16). */
    public String dtype(String name) {
        String key = require(name);
        return byTensor.get(key).entries().get(key).dtype();
    }

    /**
     * Reads tensor {@code name} onto {@code manager}'s device as {@code target}, after checking
     * that it has {@code shape}.
     */
    public NDArray load(NDManager manager, String name, long[] shape, DataType target) {
        String key = require(name);
        SafetensorsFile file = byTensor.get(key);
        SafetensorsFile.Entry e = file.entries().get(key);
        if (!Arrays.equals(e.shape(), shape)) {
            throw new IllegalArgumentException("tensor " + key + " in " + file.path() + " has shape "
                    + Arrays.toString(e.shape()) + " but the config implies " + Arrays.toString(shape));
        }
        DataType stored = switch (e.dtype()) {
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            default -> throw new IllegalArgumentException("tensor " + key + " in " + file.path() + " has dtype "
                    + e.dtype() + "; only F32, F16 and BF16 are read");
        };
        try {
            NDArray raw = stored == DataType.BFLOAT16 ? widenBf16(manager, file.map(e), shape)
                    : manager.create(file.map(e), new Shape(shape), stored);
            if (raw.getDataType() == target) {
                return raw;
            }
            NDArray converted = raw.toType(target, false);
            raw.close();
            return converted;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * DJL's PyTorch engine cannot take a bf16 buffer, so bf16 is widened here (its bits are the
     * upper half of a float32), in slices of at most 256 Mi elements to stay under the 2 GiB a
     * direct buffer holds.
     */
    private static NDArray widenBf16(NDManager manager, ByteBuffer bf16, long[] shape) {
        long total = 1;
        for (long s : shape) {
            total *= s;
        }
        long rowElements = shape.length == 0 ? 1 : total / Math.max(1, shape[0]);
        long rowsPerSlice = Math.max(1, (256L << 20) / Math.max(1, rowElements));
        long rows = shape.length == 0 ? 1 : shape[0];
        NDList slices = new NDList();
        ShortBuffer in = bf16.asShortBuffer();
        for (long r = 0; r < rows; r += rowsPerSlice) {
            long n = Math.min(rowsPerSlice, rows - r);
            int count = Math.toIntExact(n * rowElements);
            ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
            FloatBuffer f = out.asFloatBuffer();
            for (int i = 0; i < count; i++) {
                f.put(Float.intBitsToFloat((in.get() & 0xffff) << 16));
            }
            long[] sliceShape = shape.clone();
            if (sliceShape.length > 0) {
                sliceShape[0] = n;
            }
            slices.add(manager.create(out, new Shape(sliceShape), DataType.FLOAT32));
        }
        if (slices.size() == 1) {
            return slices.get(0);
        }
        NDArray joined = NDArrays.concat(slices, 0);
        slices.close();
        return joined;
    }

    private String require(String name) {
        String key = find(name);
        if (key == null) {
            throw new IllegalArgumentException("tensor " + name + " is missing from the weights in " + dir);
        }
        return key;
    }
}
