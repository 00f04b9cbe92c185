package dev.qprobe.kernel;

import com.google.gson.GsonBuilder;
import dev.qprobe.kernel.cds.ClassArchive;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes and removes Jupyter kernelspecs: a directory with {@code kernel.json}, which tells
 * Jupyter how to start {@link KernelMain}, and a 64x64 logo.
 */
public final class KernelSpec {
    /** The name Jupyter shows in its kernel menu for the kernelspec {@value #DEFAULT_NAME}. */
    public static final String DISPLAY_NAME = "Java (Q-probe)";

    /** The kernelspec name the installer uses unless told otherwise. */
    public static final String DEFAULT_NAME = "qprobe";

    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /**
     * The kernel's JVM compiles cells (javac) and relays messages; cells run in the engine's JVM.
     * Its start is what a notebook's first cell waits for, and C2 compiling javac's hot methods
     * then took a third of its CPU time on 2 cores; C1's code is fast enough for a cell's compile.
     */
    static final String CLIENT_COMPILER_ONLY = "-XX:TieredStopAtLevel=1";

    private KernelSpec() {
    }

    /**
     * This user's Jupyter kernels directory, where {@code jupyter kernelspec list} looks:
     * {@code $JUPYTER_DATA_DIR/kernels} if set, else {@code $XDG_DATA_HOME/jupyter/kernels} or
     * {@code ~/.local/share/jupyter/kernels} on Linux, {@code ~/Library/Jupyter/kernels} on macOS,
     * {@code %APPDATA%\jupyter\kernels} on Windows.
     */
    public static Path userKernelsDir() {
        return userKernelsDir(System.getenv(), System.getProperty("os.name"), Path.of(System.getProperty("user.home")));
    }

    static Path userKernelsDir(Map<String, String> env, String osName, Path home) {
        String dataDir = env.get("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "kernels");
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return home.resolve("Library/Jupyter/kernels");
        }
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return (appData != null ? Path.of(appData) : home.resolve("AppData/Roaming")).resolve("jupyter/kernels");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("jupyter/kernels");
    }

    /** The kernels directory of an environment installed under {@code prefix}: {@code prefix/share/jupyter/kernels}. */
    public static Path prefixKernelsDir(Path prefix) {
        return prefix.resolve("share/jupyter/kernels");
    }

    /**
     * Writes the kernelspec {@code kernelsDir/name}, replacing one that is there. The kernel
     * starts with this JVM's {@code java} and class path.
     *
     * @param kernelsDir   a Jupyter kernels directory, e.g. {@code ~/.local/share/jupyter/kernels}
     * @param name         the kernelspec's name, a directory name
     * @param classArchive whether the kernel maps a class archive, see {@link #install(Path, String, String,
     *                     String, boolean)}
     * @return the kernelspec directory
     */
    public static Path install(Path kernelsDir, String name, boolean classArchive) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return install(kernelsDir, name, java, System.getProperty("java.class.path"), classArchive);
    }

    /**
     * Writes the kernelspec {@code kernelsDir/name} for a given {@code java} and class path.
     *
     * @param classArchive whether the kernel and its engine map the kernelspec's class archive,
     *                     {@link ClassArchive#FILE_NAME} in its directory, when it is usable, and
     *                     make it anew in the background when it is not; {@code qprobe kernel
     *                     install} makes it at once ({@link ClassArchive#make})
     * @return the kernelspec directory
     */
    public static Path install(Path kernelsDir, String name, String java, String classPath, boolean classArchive)
            throws IOException {
        Path dir = kernelsDir.resolve(checkName(name)).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Map<String, Object> spec = new LinkedHashMap<>();
        boolean shell = !System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        spec.put("argv", classArchive ? argv(java, classPath, dir.resolve(ClassArchive.FILE_NAME), shell)
                : List.of(java, VECTOR_MODULE, CLIENT_COMPILER_ONLY, "-cp", classPath, KernelMain.class.getName(),
                        "{connection_file}"));
        spec.put("display_name", displayName(name));
        spec.put("language", "java");
        // A SIGINT would end the JVM; as a message it stops just the cell.
        spec.put("interrupt_mode", "message");
        spec.put("metadata", Map.of("debugger", false));
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec);
        Files.writeString(dir.resolve("kernel.json"), json + "\n", StandardCharsets.UTF_8);
        ImageIO.write(logo(), "png", dir.resolve("logo-64x64.png").toFile());
        return dir;
    }

    /**
     * The name Jupyter shows for the kernelspec {@code name}: {@value #DISPLAY_NAME} for the default,
     * "Java (Q-probe, NAME)" for any other, so that two installs can be told apart in a menu.
     */
    public static String displayName(String name) {
        return name.equals(DEFAULT_NAME) ? DISPLAY_NAME : "Java (Q-probe, " + name + ")";
    }

    /**
     * The command line of the kernel; Jupyter puts the connection file's path for {@code
     * {connection_file}}. With {@code shell}, a POSIX shell starts the JVM, with the class archive
     * when its size is the one its stamp records: JDK 17 falls back by itself from an archive that
     * is stale or from another JDK, but crashes on one cut short. Without (Windows), the kernel's
     * JVM starts without it; its engine still maps it ({@link KernelMain} checks it first).
     */
    static List<String> argv(String java, String classPath, Path archive, boolean shell) {
        List<String> jvm = new ArrayList<>(List.of(VECTOR_MODULE, CLIENT_COMPILER_ONLY,
                "-D" + KernelMain.ARCHIVE_PROPERTY + "=" + archive, "-cp", classPath, KernelMain.class.getName()));
        if (!shell) {
            List<String> argv = new ArrayList<>(List.of(java));
            argv.addAll(jvm);
            argv.add("{connection_file}");
            return argv;
        }
        String script = "c=\"$1\"; set --\n"
                + "a=" + quote(archive.toString()) + "\n"
                + "s=$(sed -n 's/^size=//p' \"$a.stamp\" 2>/dev/null)\n"
                + "if [ -n \"$s\" ] && [ \"$(wc -c < \"$a\" 2>/dev/null | tr -d ' ')\" = \"$s\" ]; then set --"
                + words(ClassArchive.useOptions(archive)) + "; fi\n"
                + "exec " + quote(java) + " \"$@\"" + words(jvm) + " \"$c\"\n";
        return List.of("/bin/sh", "-c", script, "qprobe-kernel", "{connection_file}");
    }

    private static String words(List<String> words) {
        StringBuilder out = new StringBuilder();
        words.forEach(w -> out.append(' ').append(quote(w)));
        return out.toString();
    }

    /** {@code text} as one word for a POSIX shell. */
    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * Removes the kernelspec {@code kernelsDir/name} and everything in it.
     *
     * @return false if there was none
     */
    public static boolean uninstall(Path kernelsDir, String name) throws IOException {
        Path dir = kernelsDir.resolve(checkName(name));
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return true;
    }

    /** Jupyter allows letters, digits, '.', '_' and '-' in kernel names; this also keeps us inside kernelsDir. */
    private static String checkName(String name) {
        if (!name.matches("[A-Za-z0-9._-]+") || name.matches("\\.+") || name.contains(File.separator)) {
            throw new IllegalArgumentException("not a kernel name: " + name);
        }
        return name;
    }

    /** A "Q" with a probe line through it, drawn here so no binary lives in the repository; no text, so no fonts needed. */
    static BufferedImage logo() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(0x1f, 0x4e, 0x79));
            g.fillRoundRect(0, 0, 64, 64, 14, 14);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawOval(12, 10, 36, 36);
            g.setColor(new Color(0xf0, 0xa2, 0x02));
            g.drawLine(36, 36, 52, 54);
        } finally {
            g.dispose();
        }
        return image;
    }
}
