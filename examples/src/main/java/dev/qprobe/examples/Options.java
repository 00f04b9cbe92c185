package dev.qprobe.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The examples' command line: {@code --name value} pairs, each name from a fixed set, so that a
 * mistyped option fails with the usage instead of being ignored. Kept tiny on purpose: the
 * examples are about the DSL, not about argument parsing.
 */
final class Options {
    private final String usage;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Options(String usage) {
        this.usage = usage;
    }

    /**
     * Reads {@code args}, each of whose names must be in {@code known}.
     *
     * @throws IllegalArgumentException naming the bad argument, with {@code usage}
     */
    static Options parse(String[] args, String usage, Set<String> known) {
        Options options = new Options(usage);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!name.startsWith("--") || !known.contains(name.substring(2))) {
                throw options.error("unknown option " + name);
            }
            if (i + 1 >= args.length) {
                throw options.error(name + " needs a value");
            }
            options.values.put(name.substring(2), args[i + 1]);
        }
        return options;
    }

    /** The value of {@code --name}, or {@code fallback} when it was not given. */
    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** Whether {@code --name} was given. */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A positive whole number. */
    int count(String name, int fallback) {
        int value = parsed(name, fallback, Integer::parseInt, "a whole number");
        if (value < 1) {
            throw error("--" + name + " must be at least 1, got " + value);
        }
        return value;
    }

    /** A path, or null when it was not given. */
    Path path(String name) {
        return has(name) ? Path.of(values.get(name)) : null;
    }

    private <T> T parsed(String name, T fallback, Function<String, T> parse, String what) {
        if (!has(name)) {
            return fallback;
        }
        try {
            return parse.apply(values.get(name));
        } catch (RuntimeException e) {
            throw error("--" + name + " must be " + what + ", got \"" + values.get(name) + "\"");
        }
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + "\nusage: " + usage);
    }
}
