package dev.qprobe.model.hf;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qprobe.model.Completion;
import dev.qprobe.model.Embedder;
import dev.qprobe.model.Sampler;
import dev.qprobe.model.SamplingConfig;
import dev.qprobe.model.TorchThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face model folder ({@code config.json}, {@code tokenizer.json}, safetensors weights,
 * optionally {@code generation_config.json}) loaded by our own code onto DJL's PyTorch engine.
 * It samples completions ({@link Sampler}) and gives hidden-state features ({@link #hiddenStates}).
 *
 * <p>Identity: {@link #id()} is the folder name plus a digest of config.json, tokenizer.json,
 * generation_config.json (their bytes) and of every weight file's name, size and modification time
 * (weights are not hashed: a 14 GB read per load is too slow), plus the compute dtype and the prompt
 * template. Replacing any of those files changes the id, so cached samples and features of another
 * checkpoint are never reused.
 */
public final class HfModel implements Sampler, AutoCloseable {
    private final Path dir;
    private final HfConfig config;
    private final Transformer transformer;
    private final HfTokenizer tokenizer;
    private final Set<Integer> eos;
    private final String digest;
    private final String template;
    private final Generator generator;

    private HfModel(Path dir, HfConfig config, Transformer transformer, HfTokenizer tokenizer, Set<Integer> eos,
                    String digest, String template) {
        this.dir = dir;
        this.config = config;
        this.transformer = transformer;
        this.tokenizer = tokenizer;
        this.eos = eos;
        this.digest = digest;
        this.template = template;
        this.generator = new Generator(this);
    }

    /** Loads {@code dir} on the default device ({@link #defaultDevice()}) in its default dtype. */
    public static HfModel load(Path dir) {
        return load(dir, defaultDevice(), null);
    }

    /** Loads {@code dir} on {@code device} in its default dtype. */
    public static HfModel load(Path dir, Device device) {
        return load(dir, device, null);
    }

    /**
     * Loads {@code dir} on {@code device}, computing in {@code type} (float32 or float16); null means
     * half precision on a GPU for a half-precision checkpoint and float32 otherwise. DJL 0.33's
     * PyTorch engine aborts the JVM on any bfloat16 array, so bf16 weights are widened on reading
     * and computed in float16 on a GPU (bf16's wider exponent is lost: a model whose activations pass
     * 65,504 needs float32).
     */
    public static HfModel load(Path dir, Device device, DataType type) {
        if (type != null && type != DataType.FLOAT32 && type != DataType.FLOAT16) {
            throw new IllegalArgumentException("compute dtype " + type + " is not supported: DJL 0.33's PyTorch engine "
                    + "cannot hold bfloat16 arrays; use float32 or float16");
        }
        TorchThreads.configure(); // PyTorch's thread pools sized before the first tensor
        try {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " is not a directory (expected a Hugging Face model folder)");
            }
            Path configFile = dir.resolve("config.json");
            if (!Files.isRegularFile(configFile)) {
                throw new IOException(dir + " has no config.json");
            }
            HfConfig config = HfConfig.read(configFile);
            Checkpoint ck = Checkpoint.open(dir);
            DataType compute = type != null ? type : defaultType(ck, config, device);
            HfTokenizer tokenizer = HfTokenizer.load(dir);
            Set<Integer> eos = eosIds(dir, config);
            Transformer t;
            try {
                t = new Transformer(config, ck, device, compute);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
            return new HfModel(dir, config, t, tokenizer, eos, digest(dir, ck, compute), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first GPU when the PyTorch engine sees one, else the CPU. */
    public static Device defaultDevice() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    private static DataType defaultType(Checkpoint ck, HfConfig c, Device device) {
        if (device.isGpu()) {
            return switch (ck.dtype(c.family() == HfConfig.Family.GPT2 ? "wte.weight" : "model.embed_tokens.weight")) {
                case "BF16", "F16" -> DataType.FLOAT16;
                default -> DataType.FLOAT32;
            };
        }
        return DataType.FLOAT32;
    }

    /** EOS ids: config.json's, plus generation_config.json's when present. */
    static Set<Integer> eosIds(Path dir, HfConfig c) throws IOException {
        Set<Integer> ids = new LinkedHashSet<>(c.eosIds());
        Path gen = dir.resolve("generation_config.json");
        if (Files.isRegularFile(gen)) {
            JsonNode n = new ObjectMapper().readTree(gen.toFile()).get("eos_token_id");
            if (n != null && n.isArray()) {
                n.forEach(x -> ids.add(x.asInt()));
            } else if (n != null && n.isNumber()) {
                ids.add(n.asInt());
            }
        }
        return Set.copyOf(ids);
    }

    private static String digest(Path dir, Checkpoint ck, DataType type) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String f : List.of("config.json", HfTokenizer.FILE, "generation_config.json")) {
                Path p = dir.resolve(f);
                if (Files.isRegularFile(p)) {
                    md.update(f.getBytes(StandardCharsets.UTF_8));
                    md.update(Files.readAllBytes(p));
                }
            }
            for (Path p : ck.files()) {
                String stamp = p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
                md.update(stamp.getBytes(StandardCharsets.UTF_8));
            }
            md.update(type.name().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same model with prompts wrapped in {@code template} before tokenizing; its
     * {@code {prompt}} placeholder is replaced by the prompt. Shares the loaded weights: closing
     * either model closes them.
     */
    public HfModel withPromptTemplate(String template) {
        if (template != null && !template.contains("{prompt}")) {
            throw new IllegalArgumentException("a prompt template needs a {prompt} placeholder: " + template);
        }
        return new HfModel(dir, config, transformer, tokenizer, eos, digest, template);
    }

    @Override
    public String id() {
        String name = "hf:" + dir.toAbsolutePath().normalize().getFileName() + "@" + digest;
        if (transformer.dataType() != DataType.FLOAT32) {
            name += "/" + transformer.dataType().name().toLowerCase();
        }
        return template == null ? name : name + "+template@" + Integer.toHexString(template.hashCode());
    }

    public HfConfig config() {
        return config;
    }

    public Transformer transformer() {
        return transformer;
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public Device device() {
        return transformer.device();
    }

    /** End-of-sequence ids (config.json and generation_config.json). */
    public Set<Integer> eosIds() {
        return eos;
    }

    /** The prompt's tokens, after the template (if any), with the tokenizer's special tokens. */
    public int[] promptTokens(String prompt) {
        return tokenizer.encode(templated(prompt));
    }

    /** The prompt as the model reads it: inside the template, when there is one. */
    String templated(String prompt) {
        return template == null ? prompt : template.replace("{prompt}", prompt);
    }

    @Override
    public List<Completion> sample(String prompt, SamplingConfig config) {
        return generator.sample(prompt, config);
    }

    /** The token ids of each sampled completion (for tests). */
    List<int[]> sampleTokens(String prompt, SamplingConfig config) {
        return generator.draw(prompt, config).stream().map(Generator.Drawn::ids).toList();
    }

    /** Greedy continuation of {@code prompt} ids, with the KV cache or re-running the whole sequence each step. */
    public int[] greedy(int[] prompt, int steps, boolean useCache) {
        return generator.greedy(prompt, steps, useCache);
    }

    /**
     * Hidden-state features at {@code layer} in Hugging Face's numbering (0 = embeddings, i = block
     * i's output, {@code layers} = after the final norm; negative counts from the end, -1 being the
     * final norm's output), at the last token of prompt + completion or averaged over the completion.
     */
    public HiddenStates hiddenStates(int layer, boolean meanOverCompletion) {
        return new HiddenStates(this, layer, meanOverCompletion);
    }

    @Override
    public void close() {
        generator.close();
        transformer.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HfModel[" + id() + ", " + config.modelType() + ", " + config.layers() + " layers, d=" + config.hidden()
                + ", " + transformer.dataType() + " on " + device() + "]";
    }
}
