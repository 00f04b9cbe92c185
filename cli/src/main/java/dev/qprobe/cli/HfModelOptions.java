package dev.qprobe.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.qprobe.model.hf.HfModel;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options that pick and load a Hugging Face model folder, shared by {@code sample} and {@code embed}. */
final class HfModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Hugging Face model folder: config.json, tokenizer.json, *.safetensors (gpt2, llama, qwen2, mistral)")
    Path model;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, gpu or gpu(N) (default: the first GPU, else cpu)")
    String device;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "float32 or float16 (default: float16 on a GPU for a bf16/f16 checkpoint, else float32)")
    String dtype;

    @Option(names = "--template", paramLabel = "TEXT", description = "prompt template with a {prompt} placeholder")
    String template;

    HfModel load() {
        Device d = device == null ? HfModel.defaultDevice() : Device.fromName(device);
        // PyTorch's threads: the global --threads / QPROBE_THREADS, applied by HfModel.load (TorchThreads).
        HfModel m = HfModel.load(model, d, dtype == null ? null : dataType(dtype));
        return template == null ? m : m.withPromptTemplate(unescape(template));
    }

    private static DataType dataType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "fp32" -> DataType.FLOAT32;
            case "float16", "f16", "fp16", "half" -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("--dtype " + name
                    + " is not one of float32, float16 (DJL 0.33 cannot compute in bfloat16)");
        };
    }

    /** Shell-typed escapes: \n, \t and \\ (so --stop '\n' means a newline). */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '\\' -> '\\';
                    default -> {
                        out.append('\\');
                        yield n;
                    }
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
