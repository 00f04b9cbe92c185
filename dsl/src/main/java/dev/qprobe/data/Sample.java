package dev.qprobe.data;

/**
 * One candidate completion of a prompt: its texts, its reward and its feature vector phi(x, y).
 *
 * @param features a copy of the sample's feature row
 */
public record Sample(String promptId, String prompt, String completion, double reward, float[] features) {
}
