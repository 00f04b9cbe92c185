package dev.qprobe.kernel.eval;

/** Sizes of text as UTF-8, without encoding it. */
final class Utf8 {
    private Utf8() {
    }

    /** The UTF-8 bytes of {@code text}'s characters from {@code from} to {@code to}. */
    static long length(CharSequence text, int from, int to) {
        long bytes = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
