package dev.qprobe.kernel.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qprobe.report.Charts;
import dev.qprobe.report.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RichDisplayTest {
    @TempDir
    Path dir;

    record Temperature(double celsius) {
    }

    static class Animal {
        @Override
        public String toString() {
            return "animal";
        }
    }

    static final class Dog extends Animal {
    }

    @AfterEach
    void forget() {
        Display.unregister(Temperature.class);
        Display.unregister(Animal.class);
        Display.unregister(Dog.class);
    }

    @Test
    void helpersMakeTheirMimeTypeWithAPlainFallback() {
        assertEquals(Map.of("text/html", "<b>x</b>", "text/plain", "<b>x</b>"), Display.render(Notebook.html("<b>x</b>")));
        assertEquals(Map.of("text/markdown", "# T", "text/plain", "# T"), Display.render(Notebook.markdown("# T")));
        assertEquals(List.of("text/latex", "text/plain"), List.copyOf(Display.render(Notebook.latex("x^2")).keySet()));
        assertEquals("$$x^2$$", Display.render(Notebook.latex("x^2")).get("text/latex"));
        assertEquals("$x$", Display.render(Notebook.latex("$x$")).get("text/latex"), "delimiters kept");
    }

    @Test
    void imagesAreToldByTheirBytes() throws Exception {
        byte[] png = Charts.lines("t", "x", "y", Map.of("s", List.of(Point.of(0, 0), Point.of(1, 1)))).png();
        Path file = Files.write(dir.resolve("plot.bin"), png);
        Map<String, Object> bundle = Display.render(Notebook.image(file.toString()));
        assertEquals(List.of("image/png", "text/plain"), List.copyOf(bundle.keySet()));
        assertArrayEquals(png, Base64.getDecoder().decode((String) bundle.get("image/png")));
        assertEquals("image/png, " + png.length + " bytes", bundle.get("text/plain"));
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assertEquals(svg, Display.render(Notebook.image(svg.getBytes(UTF_8))).get("image/svg+xml"));
        assertEquals("image/jpeg", Notebook.image(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0}).mimeType());
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Notebook.image(text));
        assertTrue(e.getMessage().startsWith(text + " is not a PNG, JPEG, GIF or SVG image"), e.getMessage());
        assertTrue(assertThrows(java.io.UncheckedIOException.class, () -> Notebook.image(dir.resolve("none.png")))
                .getMessage().contains("none.png"));
    }

    @Test
    void registeredRenderersShowTheUsersTypes() {
        Display.register(Temperature.class, t -> Notebook.html("<b>" + t.celsius() + " &deg;C</b>"));
        assertEquals("<b>21.5 &deg;C</b>", Display.render(new Temperature(21.5)).get("text/html"));
        Display.register(Animal.class, a -> Map.of("text/markdown", "*an animal*", "text/plain", "an animal"));
        assertEquals(Map.of("text/markdown", "*an animal*", "text/plain", "an animal"), Display.render(new Dog()),
                "a subtype uses its supertype's renderer");
        Display.register(Dog.class, d -> "woof");
        assertEquals(Map.of("text/plain", "woof"), Display.render(new Dog()), "the most specific renderer wins");
        Display.register(Animal.class, a -> a);
        assertEquals(Map.of("text/plain", "animal"), Display.render(new Animal()), "returning itself shows its text");
    }
}
