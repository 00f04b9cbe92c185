package dev.qprobe.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What our forward pass needs from a checkpoint's {@code config.json}. GPT-2 spells its fields
 * differently (n_embd, n_layer, ...); both spellings land in the same record.
 *
 * @param family         the layout our code runs: {@link Family#GPT2} or {@link Family#LLAMA} (llama, qwen2, mistral)
 * @param modelType      config's model_type as written
 * @param kvHeads        key/value heads (GQA); equal to heads when the config does not say
 * @param normEps        LayerNorm (GPT-2) or RMSNorm (Llama family) epsilon
 * @param ropeScaling    null, or the llama3 frequency scaling
 * @param qkvBias        q/k/v projections carry biases (Qwen2 always, Llama when attention_bias)
 * @param outBias        the attention output projection carries a bias (Llama's attention_bias)
 * @param mlpBias        the gate/up/down projections carry biases (Llama's mlp_bias)
 * @param slidingWindow  Mistral's (or Qwen2's, when used) attention window; 0 when none. We do not
 *                       implement windowed attention: a sequence longer than the window is refused
 * @param eosIds         end-of-sequence ids from config.json (generation_config.json may add more)
 */
public record HfConfig(Family family, String modelType, int vocab, int hidden, int layers, int heads, int kvHeads,
                       int headDim, int intermediate, double normEps, double ropeTheta, RopeScaling ropeScaling,
                       boolean tieEmbeddings, boolean qkvBias, boolean outBias, boolean mlpBias, int maxPositions,
                       int slidingWindow, boolean scaleAttnByLayer, List<Integer> eosIds) {

    /** The two weight layouts we run. */
    public enum Family { GPT2, LLAMA }

    /** Llama 3's RoPE frequency scaling (rope_scaling.rope_type = "llama3"). */
    public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
    }

    public static final List<String> SUPPORTED = List.of("gpt2", "llama", "qwen2", "mistral");

    /** Reads and checks {@code config.json}. */
    public static HfConfig read(Path file) throws IOException {
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (c == null || !c.isObject()) {
            throw new IOException(file + " must hold a JSON object");
        }
        try {
            return parse(c);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static HfConfig parse(JsonNode c) {
        String type = c.hasNonNull("model_type") ? c.get("model_type").asText() : "(missing)";
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("model_type " + type + " is not supported; supported: "
                    + String.join(", ", SUPPORTED));
        }
        List<Integer> eos = ids(c.get("eos_token_id"));
        if (type.equals("gpt2")) {
            int hidden = req(c, "n_embd");
            int heads = req(c, "n_head");
            String act = c.path("activation_function").asText("gelu_new");
            if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
                throw new IllegalArgumentException("activation_function " + act + " is not supported for gpt2 "
                        + "(only the tanh GELU, gelu_new)");
            }
            checkDivides(hidden, heads, "n_embd", "n_head");
            int inner = c.hasNonNull("n_inner") ? c.get("n_inner").asInt() : 4 * hidden;
            return new HfConfig(Family.GPT2, type, req(c, "vocab_size"), hidden, req(c, "n_layer"), heads, heads,
                    hidden / heads, inner, c.path("layer_norm_epsilon").asDouble(1e-5), 0, null,
                    c.path("tie_word_embeddings").asBoolean(true), true, true, true, req(c, "n_positions"), 0,
                    c.path("scale_attn_by_inverse_layer_idx").asBoolean(false), eos);
        }
        int hidden = req(c, "hidden_size");
        int heads = req(c, "num_attention_heads");
        int kvHeads = c.hasNonNull("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads;
        checkDivides(heads, kvHeads, "num_attention_heads", "num_key_value_heads");
        int headDim;
        if (c.hasNonNull("head_dim")) {
            headDim = c.get("head_dim").asInt();
        } else {
            checkDivides(hidden, heads, "hidden_size", "num_attention_heads");
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
        }
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new IllegalArgumentException("hidden_act " + act + " is not supported (only silu)");
        }
        boolean qwen = type.equals("qwen2");
        boolean attnBias = c.path("attention_bias").asBoolean(false);
        int window = 0;
        if (type.equals("mistral") || (qwen && c.path("use_sliding_window").asBoolean(false))) {
            window = c.hasNonNull("sliding_window") ? c.get("sliding_window").asInt() : 0;
        }
        return new HfConfig(Family.LLAMA, type, req(c, "vocab_size"), hidden, req(c, "num_hidden_layers"), heads,
                kvHeads, headDim, req(c, "intermediate_size"), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0), ropeScaling(c.get("rope_scaling")),
                c.path("tie_word_embeddings").asBoolean(qwen), qwen || attnBias, !qwen && attnBias,
                !qwen && c.path("mlp_bias").asBoolean(false), req(c, "max_position_embeddings"), window, false, eos);
    }

    private static RopeScaling ropeScaling(JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        String kind = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("(missing)");
        if (kind.equals("default")) {
            return null;
        }
        if (!kind.equals("llama3")) {
            throw new IllegalArgumentException("rope_scaling of type " + kind + " is not supported (only llama3)");
        }
        return new RopeScaling(reqD(s, "factor"), reqD(s, "low_freq_factor"), reqD(s, "high_freq_factor"),
                req(s, "original_max_position_embeddings"));
    }

    private static List<Integer> ids(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> out.add(x.asInt()));
        } else if (n != null && n.isNumber()) {
            out.add(n.asInt());
        }
        return List.copyOf(out);
    }

    private static int req(JsonNode c, String field) {
        JsonNode n = c.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        if (!n.canConvertToInt() || n.asInt() <= 0) {
            throw new IllegalArgumentException("field " + field + " must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static double reqD(JsonNode c, String field) {
        JsonNode n = c.get(field);
        if (n == null || !n.isNumber()) {
            throw new IllegalArgumentException("rope_scaling." + field + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    private static void checkDivides(int a, int b, String an, String bn) {
        if (b <= 0 || a % b != 0) {
            throw new IllegalArgumentException(an + " " + a + " is not a multiple of " + bn + " " + b);
        }
    }

    /** Key and value bytes held per token, over all layers, at {@code bytesPerElement}. */
    public long kvBytesPerToken(int bytesPerElement) {
        return 2L * layers * kvHeads * headDim * bytesPerElement;
    }
}
