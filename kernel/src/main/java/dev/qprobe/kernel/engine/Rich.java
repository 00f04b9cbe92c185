package dev.qprobe.kernel.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values that display as a given kind of content: made by {@link Notebook#html},
 * {@link Notebook#markdown}, {@link Notebook#latex} and {@link Notebook#image}, shown as a cell's
 * value or through {@code display(...)}.
 */
public sealed interface Rich {
    /** The MIME bundle, richest first, with a {@code text/plain} fallback for consoles. */
    Map<String, Object> bundle();

    /** HTML, shown as {@code text/html}. */
    record Html(String html) implements Rich {
        public Html {
            Objects.requireNonNull(html, "html");
        }

        @Override
        public Map<String, Object> bundle() {
            return two("text/html", html, html);
        }
    }

    /** Markdown, shown as {@code text/markdown}. */
    record Markdown(String markdown) implements Rich {
        public Markdown {
            Objects.requireNonNull(markdown, "markdown");
        }

        @Override
        public Map<String, Object> bundle() {
            return two("text/markdown", markdown, markdown);
        }
    }

    /** LaTeX math, shown as {@code text/latex}; without {@code $} delimiters it is set as display math. */
    record Latex(String latex) implements Rich {
        public Latex {
            Objects.requireNonNull(latex, "latex");
        }

        @Override
        public Map<String, Object> bundle() {
            String source = latex.strip();
            return two("text/latex", source.startsWith("$") || source.startsWith("\\[") ? source : "$$" + source + "$$",
                    latex);
        }
    }

    /**
     * An image: PNG, JPEG or GIF bytes (base64 in the bundle) or SVG text.
     *
     * @param mimeType {@code image/png}, {@code image/jpeg}, {@code image/gif} or {@code image/svg+xml}
     */
    record Image(byte[] bytes, String mimeType) implements Rich {
        public Image {
            bytes = bytes.clone();
            Objects.requireNonNull(mimeType, "mimeType");
        }

        /**
         * The image in {@code bytes}, its type read from its first bytes.
         *
         * @param source names the bytes in the message, e.g. the file
         * @throws IllegalArgumentException if they are not PNG, JPEG, GIF or SVG
         */
        static Image of(byte[] bytes, String source) {
            return new Image(bytes, mimeTypeOf(bytes, source));
        }

        /** The image in {@code file}; throws naming the file if it cannot be read or is not an image. */
        static Image of(Path file) {
            try {
                return of(Files.readAllBytes(file), file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the image " + file + ": " + e.getMessage(), e);
            }
        }

        private static String mimeTypeOf(byte[] b, String source) {
            if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
                return "image/png";
            }
            if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
                return "image/jpeg";
            }
            if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
                return "image/gif";
            }
            String head = new String(b, 0, Math.min(b.length, 512), UTF_8).stripLeading();
            if (head.startsWith("<svg") || head.startsWith("<?xml") && head.contains("<svg")) {
                return "image/svg+xml";
            }
            throw new IllegalArgumentException(source + " is not a PNG, JPEG, GIF or SVG image (it starts with "
                    + Arrays.toString(Arrays.copyOf(b, Math.min(b.length, 4))) + ")");
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public Map<String, Object> bundle() {
            Object data = mimeType.equals("image/svg+xml") ? new String(bytes, UTF_8)
                    : Base64.getEncoder().encodeToString(bytes);
            return two(mimeType, data, mimeType + ", " + bytes.length + " bytes");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image i && mimeType.equals(i.mimeType) && Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + mimeType.hashCode();
        }

        @Override
        public String toString() {
            return "Image[" + mimeType + ", " + bytes.length + " bytes]";
        }
    }

    private static Map<String, Object> two(String mime, Object data, String plain) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put(mime, data);
        bundle.put("text/plain", plain);
        return bundle;
    }
}
