package dev.qprobe.model.builtin;

import java.util.random.RandomGenerator;

/** Temperature and top-p (nucleus) sampling from one row of logits. */
final class Nucleus {
    private Nucleus() {
    }

    /**
     * Draws a token from softmax(logits / temperature) restricted to the smallest set of most
     * likely tokens whose probability reaches {@code topP}.
     */
    static int sample(float[] logits, int offset, int vocab, double temperature, double topP, RandomGenerator rng) {
        double[] p = probabilities(logits, offset, vocab, temperature);
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double mass = 0;
        int keep = 0;
        while (keep < vocab && (keep == 0 || mass < topP)) {
            mass += p[order[keep++]];
        }
        double u = rng.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            u -= p[order[i]];
            if (u < 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    static double[] probabilities(float[] logits, int offset, int vocab, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i] / temperature);
        }
        double[] p = new double[vocab];
        double z = 0;
        for (int i = 0; i < vocab; i++) {
            p[i] = Math.exp(logits[offset + i] / temperature - max);
            z += p[i];
        }
        for (int i = 0; i < vocab; i++) {
            p[i] /= z;
        }
        return p;
    }
}
