package dev.qprobe.data;

import java.util.Locale;

/**
 * How feature values are stored: IEEE float32, IEEE float16 or bfloat16 (the top 16 bits of a
 * float32). Computation is always in float32; a narrower store halves the bytes an epoch reads.
 */
public enum FeaturePrecision {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    FeaturePrecision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored value. */
    public int bytes() {
        return bytes;
    }

    /** "f32", "f16" or "bf16" (any case), as on the command line. */
    public static FeaturePrecision parse(String name) {
        for (FeaturePrecision p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown feature precision '" + name + "': use f32, f16 or bf16");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
