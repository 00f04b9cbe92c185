package dev.qprobe.data;

/**
 * A preference between two candidates of the same prompt, as row indices into a {@link SampleSet}.
 */
public record PreferencePair(int chosen, int rejected) {
}
