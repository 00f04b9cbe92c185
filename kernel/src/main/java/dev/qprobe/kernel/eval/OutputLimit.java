package dev.qprobe.kernel.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much text one cell may show: past {@link #bytes()} (UTF-8 bytes of standard output and
 * error together) a cell's text goes to a file in {@link #directory()} instead of to the front
 * end, and the cell ends with one notice saying how much was not shown and where it is. A
 * notebook holds every byte a cell prints, and a browser tab slows to a crawl long before 50 MB.
 *
 * <p>Set by the environment variable {@value #ENV} (e.g. {@code 10MB}, {@code 512k}, {@code 2GB} or
 * a number of bytes; the kernelspec's {@code env} can hold it). Default {@value #DEFAULT_BYTES}
 * bytes, 10 MiB.
 *
 * @param bytes     the most bytes a cell shows
 * @param directory where the whole output of a cell that passed the limit goes
 */
public record OutputLimit(long bytes, Path directory) {
    /** The environment variable that sets the limit. */
    public static final String ENV = "QPROBE_OUTPUT_LIMIT";
    public static final long DEFAULT_BYTES = 10L * 1024 * 1024;
    /**
     * The most bytes one spill file holds: a cell printing in an endless loop must not fill the
     * disk. Past it, text is counted and dropped.
     */
    public static final long MAX_FILE_BYTES = 1L << 30;
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b)?");

    public OutputLimit {
        if (bytes < 1) {
            throw new IllegalArgumentException("an output limit must be at least 1 byte, got " + bytes);
        }
    }

    /** The default limit, its files in a fresh temporary directory made when the first is written. */
    public static OutputLimit defaults() {
        return new OutputLimit(DEFAULT_BYTES, Path.of(System.getProperty("java.io.tmpdir"),
                "qprobe-output-" + ProcessHandle.current().pid()));
    }

    /**
     * The limit {@code env} asks for with {@value #ENV}, else the default, its files in {@code directory}.
     *
     * @throws IllegalArgumentException naming the variable and its value if that is not a size
     */
    public static OutputLimit fromEnvironment(Map<String, String> env, Path directory) {
        String value = env.get(ENV);
        return new OutputLimit(value == null || value.isBlank() ? DEFAULT_BYTES : parseSize(ENV, value), directory);
    }

    /**
     * A size such as {@code 10MB}, {@code 512k}, {@code 1GiB} or {@code 4096} (bytes); k, M and G are
     * powers of 1024.
     *
     * @param what names the setting in the message
     * @throws IllegalArgumentException if it is not such a size, or is 0
     */
    static long parseSize(String what, String value) {
        Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + "=" + value + " is not a size: write e.g. 10MB, 512k or 4096");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long number;
        try {
            number = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + "=" + value + " is too large", e);
        }
        if (number == 0 || number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(what + "=" + value + " must be at least 1 byte and at most 8 EiB");
        }
        return number << shift;
    }

    /** The file for the whole of one stream of one cell, its directory made if needed. */
    Path file(int cell, String stream) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the output directory " + directory, e);
        }
        return directory.resolve("cell-" + cell + "-" + stream + ".txt");
    }

    /** Deletes the files {@link #file} made, and the directory if nothing else is in it. */
    public void deleteFiles() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("cell-\\d+-std(out|err)\\.txt")).toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // DirectoryNotEmptyException included: someone else's files stay
        }
    }

    /** {@code n} bytes for people: 10 MB, 1.5 KB, 12 bytes (powers of 1024). */
    static String describe(long n) {
        if (n < 1024) {
            return n + (n == 1 ? " byte" : " bytes");
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }
}
