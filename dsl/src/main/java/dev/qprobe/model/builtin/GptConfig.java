package dev.qprobe.model.builtin;

/**
 * The shape of the built-in causal transformer (pre-LayerNorm GPT, learned positions, output
 * layer tied to the token embedding).
 */
public record GptConfig(int vocab, int context, int layers, int dModel, int heads, int dFf) {

    public GptConfig {
        if (vocab < 2 || context < 2 || layers < 1 || dModel < 1 || heads < 1 || dFf < 1) {
            throw new IllegalArgumentException("invalid model shape: " + this);
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " is not divisible by " + heads + " heads");
        }
    }

    /**
     * The built-in model's shape: 3 layers, width 96, 4 heads, MLP width 384, context 64
     * characters (a worked addition of two 4-digit numbers takes up to 54 with its prompt).
     */
    public static GptConfig builtin() {
        return new GptConfig(CharTokenizer.VOCAB_SIZE, 64, 3, 96, 4, 384);
    }

    public int headDim() {
        return dModel / heads;
    }

    /** Number of parameters. */
    public long parameterCount() {
        long perLayer = 4L * dModel + (long) dModel * 3 * dModel + 3L * dModel + (long) dModel * dModel + dModel
                + (long) dModel * dFf + dFf + (long) dFf * dModel + dModel;
        return (long) vocab * dModel + (long) context * dModel + layers * perLayer + 2L * dModel;
    }
}
