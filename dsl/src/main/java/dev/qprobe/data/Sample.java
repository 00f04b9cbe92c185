package dev.qprobe.data;

/**
 * One candidate completion of a prompt: its texts, its reward and its feature vector phi(x, y).
 * Immutable: the features are copied in and {@link #features()} hands out a copy.
 *
 * @param features the sample's feature row
 */
public record Sample(String promptId, String prompt, String completion, double reward, float[] features) {

    public Sample {
        features = features.clone();
    }

    /** A copy of the feature row. */
    @Override
    public float[] features() {
        return features.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sample other && promptId.equals(other.promptId) && java.util.Objects.equals(prompt,
                other.prompt) && java.util.Objects.equals(completion, other.completion)
                && Double.compare(reward, other.reward) == 0 && java.util.Arrays.equals(features, other.features);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(promptId, prompt, completion, reward) * 31 + java.util.Arrays.hashCode(features);
    }

    @Override
    public String toString() {
        return "Sample[" + promptId + ", reward " + reward + ", " + features.length + " features, completion "
                + completion + "]";
    }
}
