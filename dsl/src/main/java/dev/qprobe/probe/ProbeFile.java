package dev.qprobe.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A probe as one JSON file, readable from any language:
 * <pre>
 * {
 *   "format": "qprobe-probe/2",
 *   "spec": "linear" | "mlp(64)" | "mlp(64,32)",
 *   "dim": d,
 *   "mean": [d floats], "invStd": [d floats],          standardization z = (x - mean) * invStd
 *   "parameters": [floats],                            layout in ProbeSpec's javadoc
 *   "provenance": {                                    how it was made (see Provenance); null = unknown
 *     "task", "model", "features", "objective", "trainer", "library": strings,
 *     "seed": number,
 *     "sampling": {"k", "temperature", "topP", "maxTokens", "stop": [strings], "seed"},
 *     "train", "test": {"prompts", "samples", "dim", "sha256"}
 *   }
 * }
 * </pre>
 * Floats are written in their shortest exact decimal form, so a probe reads back bit for bit.
 * Files of the first format ({@code qprobe-probe/1}, whose provenance was loose strings) still
 * read, as probes whose provenance is {@link Provenance#unrecorded unrecorded}.
 */
public final class ProbeFile {
    public static final String FORMAT = "qprobe-probe/2";
    /** The format before provenance was typed: read, never written. */
    static final String FORMAT_1 = "qprobe-probe/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeFile() {
    }

    /** Writes {@code probe} with its provenance, atomically (temporary file, then rename). */
    public static void write(Path file, Probe probe) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("spec", probe.spec().toString());
        root.put("dim", probe.dim());
        root.set("mean", floats(probe.standardizer().mean()));
        root.set("invStd", floats(probe.standardizer().invStd()));
        root.set("parameters", floats(probe.parameters()));
        root.set("provenance", ProvenanceJson.write(JSON, probe.provenance()));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a probe and its provenance. */
    public static Probe read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable probe file: " + e.getMessage(), e);
        }
        String format = root == null ? "" : root.path("format").asText();
        if (!FORMAT.equals(format) && !FORMAT_1.equals(format)) {
            throw new IOException(file + ": not a probe file (expected \"format\": \"" + FORMAT + "\")");
        }
        try {
            ProbeSpec spec = ProbeSpec.parse(root.path("spec").asText());
            int dim = root.path("dim").asInt(-1);
            float[] mean = floats(root, "mean", dim, file);
            float[] invStd = floats(root, "invStd", dim, file);
            float[] params = floats(root, "parameters", spec.parameterCount(Math.max(dim, 1)), file);
            Provenance provenance = FORMAT_1.equals(format) ? Provenance.unrecorded(spec)
                    : ProvenanceJson.read(root.path("provenance"), spec);
            return new Probe(spec, params, new Standardizer(mean, invStd), provenance);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static ArrayNode floats(float[] values) {
        ArrayNode array = JSON.createArrayNode();
        for (float v : values) {
            array.add(v);
        }
        return array;
    }

    private static float[] floats(JsonNode root, String field, int expected, Path file) throws IOException {
        JsonNode array = root.path(field);
        if (!array.isArray() || array.size() != expected) {
            throw new IOException(file + ": \"" + field + "\" must be an array of " + expected + " numbers, got "
                    + (array.isArray() ? array.size() + " entries" : array.getNodeType()));
        }
        float[] out = new float[expected];
        for (int i = 0; i < expected; i++) {
            JsonNode v = array.get(i);
            if (!v.isNumber() || !Float.isFinite(v.floatValue())) {
                throw new IOException(file + ": \"" + field + "\"[" + i + "] is not a finite number: " + v);
            }
            out[i] = v.floatValue();
        }
        return out;
    }
}
