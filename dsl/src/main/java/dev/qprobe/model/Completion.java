package dev.qprobe.model;

/**
 * One sampled completion.
 *
 * @param text    the generated text, without the stop string that ended it
 * @param tokens  tokens generated (including a stop token, if one ended it)
 * @param stopped true when a stop string ended it, false when it hit the length limit
 */
public record Completion(String text, int tokens, boolean stopped) {
}
