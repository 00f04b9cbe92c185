package dev.qprobe.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.series.Series;

/**
 * A finished figure made by {@link Charts}: one plot, or a grid of panels under a common title.
 * It renders at any size to a {@link BufferedImage}, PNG bytes or SVG text, so a notebook can
 * show whichever it supports; rendering needs no display ({@code java.awt.headless} is set to
 * true unless the caller chose otherwise before).
 *
 * <p>Immutable as far as callers can tell: {@link #withSize} returns a copy, and rendering is
 * serialized because XChart keeps the size of its last paint in the plot objects.
 */
public final class Chart {
    /** Default width in pixels. */
    public static final int DEFAULT_WIDTH = 800;
    /** Default height in pixels. */
    public static final int DEFAULT_HEIGHT = 500;
    /** Height of the band that holds the common title above a grid of panels. */
    private static final int TITLE_BAND = 40;
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);

    static {
        useHeadlessUnlessSet();
    }

    private final String title;
    private final List<XYChart> panels;
    private final int columns;
    private final int width;
    private final int height;
    /** Shared by copies of different sizes, which paint the same XChart objects. */
    private final Object paintLock;

    /**
     * @param panels  one plot, whose own title is {@code title}, or several, drawn in a grid of
     *                {@code columns} columns under {@code title}
     */
    Chart(String title, List<XYChart> panels, int columns, int width, int height) {
        this(title, panels, columns, width, height, new Object());
    }

    private Chart(String title, List<XYChart> panels, int columns, int width, int height, Object paintLock) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("chart size must be positive, got " + width + " x " + height);
        }
        this.title = Objects.requireNonNull(title, "title");
        this.panels = List.copyOf(panels);
        this.columns = columns;
        this.width = width;
        this.height = height;
        this.paintLock = paintLock;
    }

    /** Sets {@code java.awt.headless=true} unless it was set: charts are drawn off screen, CI has no display. */
    static void useHeadlessUnlessSet() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The figure's title, as drawn at its top. */
    public String title() {
        return title;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The XChart plots drawn, for tests; callers must not change them. */
    List<XYChart> panels() {
        return panels;
    }

    /** This chart drawn at another size, in pixels (SVG units for {@link #svg()}). */
    public Chart withSize(int width, int height) {
        return new Chart(title, panels, columns, width, height, paintLock);
    }

    /** The chart as an opaque RGB image of {@link #width()} x {@link #height()} pixels. */
    public BufferedImage image() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The chart as PNG bytes. */
    public byte[] png() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image(), "png", out)) {
                throw new IllegalStateException("no PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    /**
     * The chart as a standalone SVG document. XChart draws letters as outlines, which stay sharp
     * but are not text; so the document also carries the title in {@code <title>} and, in
     * {@code <desc>}, each panel's title, axis titles and legend entries, for search and screen
     * readers.
     */
    public String svg() {
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, height)).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String svg = out.toString(StandardCharsets.UTF_8);
        int open = svg.indexOf("<svg");
        int content = open < 0 ? -1 : svg.indexOf('>', open) + 1;
        if (content <= 0) {
            throw new IllegalStateException("the SVG writer produced no <svg> element");
        }
        return svg.substring(0, content) + "\n  <title>" + xml(title) + "</title>\n  <desc>" + xml(description())
                + "</desc>" + svg.substring(content);
    }

    /** What a reader sees besides the lines: panel titles, axis titles, legend entries. */
    private String description() {
        StringBuilder text = new StringBuilder();
        for (XYChart panel : panels) {
            if (text.length() > 0) {
                text.append(" | ");
            }
            text.append(panel.getTitle()).append(". x axis: ").append(panel.getXAxisTitle())
                    .append(". y axis: ").append(panel.getYAxisTitle()).append(". Legend: ");
            StringJoiner legend = new StringJoiner("; ");
            panel.getSeriesMap().values().stream().filter(Series::isShowInLegend).forEach(s -> legend.add(s.getName()));
            text.append(legend).append('.');
        }
        return text.toString();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Writes {@link #png()} to {@code file}, replacing it; creates missing parent directories. */
    public void savePng(Path file) throws IOException {
        write(file, png());
    }

    /** Writes {@link #svg()} to {@code file} as UTF-8, replacing it; creates missing parent directories. */
    public void saveSvg(Path file) throws IOException {
        write(file, svg().getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, bytes);
    }

    private void paint(Graphics2D g) {
        // XChart plots keep the size of their last paint, so two paints must not interleave.
        synchronized (paintLock) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            if (panels.size() == 1) {
                panels.get(0).paint(g, width, height);
                return;
            }
            g.setFont(TITLE_FONT);
            g.setColor(Color.BLACK);
            FontMetrics metrics = g.getFontMetrics();
            g.drawString(title, Math.max(0, (width - metrics.stringWidth(title)) / 2),
                    (TITLE_BAND + metrics.getAscent() - metrics.getDescent()) / 2);
            int rows = (panels.size() + columns - 1) / columns;
            int cellWidth = width / columns;
            int cellHeight = Math.max(1, (height - TITLE_BAND) / rows);
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D cell = (Graphics2D) g.create();
                try {
                    cell.translate((i % columns) * cellWidth, TITLE_BAND + (i / columns) * cellHeight);
                    cell.clipRect(0, 0, cellWidth, cellHeight);
                    panels.get(i).paint(cell, cellWidth, cellHeight);
                } finally {
                    cell.dispose();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Chart['" + title + "', " + panels.size() + (panels.size() == 1 ? " panel, " : " panels, ")
                + width + " x " + height + "]";
    }
}
