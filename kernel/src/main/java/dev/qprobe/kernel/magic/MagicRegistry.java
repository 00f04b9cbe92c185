package dev.qprobe.kernel.magic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The magics a kernel knows, by name: a new magic is a class of its own and a line in {@link #standard()}. */
public final class MagicRegistry {
    private final Map<String, LineMagic> lineMagics = new LinkedHashMap<>();
    private final Map<String, CellMagic> cellMagics = new LinkedHashMap<>();

    private MagicRegistry(List<LineMagic> line, List<CellMagic> cell) {
        line.forEach(m -> lineMagics.put(m.name(), m));
        cell.forEach(m -> cellMagics.put(m.name(), m));
    }

    /** The kernel's magics. */
    public static MagicRegistry standard() {
        return new MagicRegistry(
                List.of(new ClasspathMagic("classpath"), new ClasspathMagic("jars"), new LsmagicMagic(),
                        new VersionMagic(), new MavenMagic()),
                List.of(new TimeMagic()));
    }

    /** A registry of the given magics, e.g. for tests. */
    static MagicRegistry of(List<LineMagic> line, List<CellMagic> cell) {
        return new MagicRegistry(line, cell);
    }

    /** The line magic {@code name} (without {@code %}). */
    Optional<LineMagic> lineMagic(String name) {
        return Optional.ofNullable(lineMagics.get(name));
    }

    /** The cell magic {@code name} (without {@code %%}). */
    Optional<CellMagic> cellMagic(String name) {
        return Optional.ofNullable(cellMagics.get(name));
    }

    /** Whether {@code word} ({@code %name} or {@code %%name}) names a magic. */
    boolean isKnown(String word) {
        return word.startsWith("%%") ? cellMagics.containsKey(word.substring(2))
                : word.startsWith("%") && lineMagics.containsKey(word.substring(1));
    }

    /** The magics' names for a message: {@code %classpath, %jars, ... and %%time}. */
    String known() {
        List<String> names = new java.util.ArrayList<>();
        lineMagics.keySet().forEach(n -> names.add("%" + n));
        cellMagics.keySet().forEach(n -> names.add("%%" + n));
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** What {@code %lsmagic} prints. */
    public String list() {
        StringBuilder text = new StringBuilder("Line magics, at the top of a cell before its Java:\n");
        lineMagics.values().forEach(m -> text.append(entry("%" + m.name() + " " + m.arguments(), m.description())));
        text.append("Cell magic").append(cellMagics.size() == 1 ? "" : "s").append(", the first line of a cell:\n");
        cellMagics.values().forEach(m -> text.append(entry("%%" + m.name(), m.description())));
        return text.toString();
    }

    private static String entry(String usage, String description) {
        String padded = usage.strip().length() >= 18 ? usage.strip() + "  " : String.format("%-20s", usage.strip());
        return "  " + padded + description + "\n";
    }
}
