package dev.qprobe.model.builtin;

/**
 * Characters as tokens: 0 is the begin/pad token, 1 is the newline, 2..96 are printable ASCII
 * (space to '~'). Small and exact, which is all the built-in tasks need.
 */
public final class CharTokenizer {
    public static final int BOS = 0;
    public static final int VOCAB_SIZE = 97;

    private CharTokenizer() {
    }

    /** The tokens of {@code text}; throws on a character outside the vocabulary, naming it and its position. */
    public static int[] encode(String text) {
        int[] tokens = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            tokens[i] = token(text.charAt(i), text, i);
        }
        return tokens;
    }

    private static int token(char c, String text, int at) {
        if (c == '\n') {
            return 1;
        }
        if (c >= ' ' && c <= '~') {
            return c - ' ' + 2;
        }
        throw new IllegalArgumentException(String.format("the built-in model reads printable ASCII and newlines only; "
                + "got U+%04X at position %d of \"%s\"", (int) c, at, text));
    }

    /** The character of a token; BOS decodes to nothing. */
    public static String decode(int token) {
        if (token == BOS) {
            return "";
        }
        if (token == 1) {
            return "\n";
        }
        if (token >= 2 && token < VOCAB_SIZE) {
            return String.valueOf((char) (token - 2 + ' '));
        }
        throw new IllegalArgumentException("no such token: " + token);
    }
}
