package dev.qprobe.probe;

import java.util.Locale;

/**
 * Which probe backend to train with, and on which device: a choice, resolved to a
 * {@link ProbeBackend} by {@link ProbeBackends#resolve} when training starts.
 *
 * @param name   "auto", or a provider's name ("cpu", "djl")
 * @param device a device the backend understands ("cpu", "gpu(0)"), or "" for its default
 */
public record Backend(String name, String device) {
    public static final String AUTO = "auto";

    public Backend {
        name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        device = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException("backend name '" + name + "' is not a name: use auto, cpu or djl");
        }
    }

    /** DJL on a GPU when one is visible, else the CPU backend. */
    public static Backend auto() {
        return new Backend(AUTO, "");
    }

    /** The CPU backend: the fused SIMD kernel for linear probes, ND4J for MLPs. */
    public static Backend cpu() {
        return new Backend("cpu", "");
    }

    /** DJL (PyTorch engine) on its default device: the first GPU when one is visible, else the CPU. */
    public static Backend djl() {
        return new Backend("djl", "");
    }

    /** DJL (PyTorch engine) on {@code device}, e.g. "cpu", "gpu(0)". */
    public static Backend djl(String device) {
        return new Backend("djl", device);
    }

    /** Parses the form {@link #toString()} writes: "auto", "cpu", "djl", "djl:gpu(0)". */
    public static Backend parse(String text) {
        int colon = text.indexOf(':');
        return colon < 0 ? new Backend(text, "") : new Backend(text.substring(0, colon), text.substring(colon + 1));
    }

    public boolean isAuto() {
        return name.equals(AUTO);
    }

    @Override
    public String toString() {
        return device.isEmpty() ? name : name + ":" + device;
    }
}
