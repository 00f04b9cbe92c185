package dev.qprobe.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qprobe.model.SamplingConfig;
import java.util.ArrayList;
import java.util.List;

/** {@link Provenance} as the JSON object {@link ProbeFile} and a saved run's provenance.json hold. */
public final class ProvenanceJson {
    private ProvenanceJson() {
    }

    /** The JSON form; an unrecorded provenance is JSON null. */
    public static JsonNode write(ObjectMapper json, Provenance p) {
        if (!p.isRecorded()) {
            return NullNode.getInstance();
        }
        ObjectNode node = json.createObjectNode();
        node.put("task", p.task());
        node.put("model", p.model());
        if (p.sampling() == null) {
            node.putNull("sampling");
        } else {
            SamplingConfig c = p.sampling();
            ObjectNode s = node.putObject("sampling");
            s.put("k", c.k());
            s.put("temperature", c.temperature());
            s.put("topP", c.topP());
            s.put("maxTokens", c.maxTokens());
            c.stop().forEach(s.putArray("stop")::add);
            s.put("seed", c.seed());
        }
        node.put("features", p.features());
        node.put("probe", p.probe().toString());
        node.put("objective", p.objective());
        node.put("trainer", p.trainer());
        node.put("seed", p.seed());
        node.put("library", p.library());
        node.set("train", data(json, p.train()));
        node.set("test", data(json, p.test()));
        return node;
    }

    private static JsonNode data(ObjectMapper json, Provenance.Data d) {
        if (d == null) {
            return NullNode.getInstance();
        }
        ObjectNode node = json.createObjectNode();
        node.put("prompts", d.prompts());
        node.put("samples", d.samples());
        node.put("dim", d.dim());
        node.put("sha256", d.sha256());
        return node;
    }

    /**
     * Reads what {@link #write} wrote, for a probe of architecture {@code spec}.
     *
     * @throws IllegalArgumentException on a malformed object or one that names another architecture
     */
    public static Provenance read(JsonNode node, ProbeSpec spec) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Provenance.unrecorded(spec);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("\"provenance\" must be an object or null, got " + node.getNodeType());
        }
        String probe = text(node, "probe");
        if (probe != null && !ProbeSpec.parse(probe).equals(spec)) {
            throw new IllegalArgumentException("\"provenance\" describes a " + probe + " probe, but the file holds " + spec);
        }
        SamplingConfig sampling = null;
        JsonNode s = node.path("sampling");
        if (s.isObject()) {
            List<String> stop = new ArrayList<>();
            s.path("stop").forEach(v -> stop.add(v.asText()));
            sampling = new SamplingConfig(s.path("k").asInt(), s.path("temperature").asDouble(),
                    s.path("topP").asDouble(), s.path("maxTokens").asInt(), stop, s.path("seed").asLong());
        }
        return new Provenance(text(node, "task"), text(node, "model"), sampling, text(node, "features"), spec,
                text(node, "objective"), text(node, "trainer"), node.path("seed").asLong(), text(node, "library"),
                data(node.path("train")), data(node.path("test")));
    }

    private static Provenance.Data data(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        return new Provenance.Data(node.path("prompts").asInt(), node.path("samples").asInt(), node.path("dim").asInt(),
                node.path("sha256").asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? v.asText() : null;
    }
}
