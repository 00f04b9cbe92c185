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
        // The nucleus in descending probability (ties: lower token first), found by repeated
        // selection: a trained model puts the mass on a few tokens, so this stops after a few
        // passes where sorting all tokens cost more than the forward pass (measured with JFR).
        int[] order = new int[vocab];
        boolean[] taken = new boolean[vocab];
        double mass = 0;
        int keep = 0;
        while (keep < vocab && (keep == 0 || mass < topP)) {
            int best = -1;
            for (int i = 0; i < vocab; i++) {
                if (!taken[i] && (best < 0 || p[i] > p[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            order[keep++] = best;
            mass += p[best];
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

    /**
     * log P(token) under {@link #sample}'s distribution: the tempered softmax renormalised over the
     * nucleus, or -Infinity for a token outside it. The nucleus is chosen as there; a token whose
     * mass before it falls within 1e-5 of top-p counts as inside, so that logits recomputed by a
     * full forward pass (equal to the cached ones up to rounding) do not flip it out.
     */
    static double logProbability(float[] logits, int offset, int vocab, double temperature, double topP, int token) {
        double[] p = probabilities(logits, offset, vocab, temperature);
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double mass = 0;
        double before = 0;
        boolean inside = false;
        for (int i = 0; i < vocab; i++) {
            boolean kept = i == 0 || before < topP;
            boolean tokenHere = order[i] == token;
            if (kept || (tokenHere && before < topP + 1e-5)) {
                mass += p[order[i]];
                inside |= tokenHere;
            }
            before += p[order[i]];
        }
        return inside ? Math.log(p[token] / mass) : Double.NEGATIVE_INFINITY;
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
