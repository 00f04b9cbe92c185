package dev.qprobe.kernel.cds;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * The cells' compiler's file manager: lists a package of the class path from only the jars that
 * hold it, by the {@link PackageIndex}, each through a file manager of its own opened on first
 * need; entries the index does not know (directories, jars added by {@code %classpath}, jars
 * changed since) are listed as always, and the order of the class path is kept, so the first of
 * two same-named classes still wins. Everything else goes to the standard file manager, which
 * keeps the whole class path (for code completion and error messages).
 */
public final class IndexedFileManager extends ForwardingJavaFileManager<StandardJavaFileManager>
        implements StandardJavaFileManager {
    private static final String MULTI_RELEASE = "--multi-release";
    private final PackageIndex index;
    /** The versions of multi-release jars javac reads, once it has said; null before. */
    private String multiRelease;
    /** Per entry: its packages, or empty when it must be listed. */
    private final Map<String, Optional<Set<String>>> known = new HashMap<>();
    private final Map<String, StandardJavaFileManager> perEntry = new HashMap<>();

    public IndexedFileManager(StandardJavaFileManager standard, PackageIndex index) {
        super(standard);
        this.index = index;
    }

    @Override
    public synchronized Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
            boolean recurse) throws IOException {
        if (location != StandardLocation.CLASS_PATH) {
            return super.list(location, packageName, kinds, recurse);
        }
        List<JavaFileObject> found = new ArrayList<>();
        // The standard file manager keeps the class path (JShell sets it whole as it grows).
        Iterable<? extends Path> classPath = fileManager.getLocationAsPaths(StandardLocation.CLASS_PATH);
        for (Path path : classPath != null ? classPath : List.<Path>of()) {
            String entry = path.toString();
            Optional<Set<String>> packages = known.computeIfAbsent(entry, e -> Optional.ofNullable(index.packagesOf(e)));
            if (packages.isPresent() && !holds(packages.get(), packageName, recurse)) {
                continue;
            }
            StandardJavaFileManager manager = managerFor(entry);
            if (manager != null) {
                manager.list(location, packageName, kinds, recurse).forEach(found::add);
            }
        }
        return found;
    }

    private static boolean holds(Set<String> packages, String name, boolean recurse) {
        if (packages.contains(name)) {
            return true;
        }
        if (!recurse) {
            return false;
        }
        String prefix = name.isEmpty() ? "" : name + ".";
        return packages.stream().anyMatch(p -> p.startsWith(prefix));
    }

    /** A file manager over {@code entry} alone, or null if there is no such file or directory. */
    private StandardJavaFileManager managerFor(String entry) throws IOException {
        StandardJavaFileManager manager = perEntry.get(entry);
        if (manager == null && !perEntry.containsKey(entry)) {
            Path path = Path.of(entry);
            if (Files.exists(path)) {
                manager = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, Locale.ROOT, UTF_8);
                manager.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of(path));
                if (multiRelease != null) {
                    manager.handleOption(MULTI_RELEASE, List.of(multiRelease).iterator());
                }
            }
            perEntry.put(entry, manager);
        }
        return manager;
    }

    /** How many class path entries have been opened so far (for tests). */
    synchronized int opened() {
        return (int) perEntry.values().stream().filter(m -> m != null).count();
    }

    /**
     * javac passes "--multi-release" (which versions of a multi-release jar to read), which each
     * jar's own file manager needs too.
     */
    @Override
    public synchronized boolean handleOption(String current, Iterator<String> remaining) {
        if (current.equals(MULTI_RELEASE) && remaining.hasNext()) {
            multiRelease = remaining.next();
            for (StandardJavaFileManager manager : perEntry.values()) {
                if (manager != null) {
                    manager.handleOption(MULTI_RELEASE, List.of(multiRelease).iterator());
                }
            }
            return super.handleOption(current, List.of(multiRelease).iterator());
        }
        return super.handleOption(current, remaining);
    }

    @Override
    public void setLocation(Location location, Iterable<? extends File> files) throws IOException {
        fileManager.setLocation(location, files);
    }

    @Override
    public void setLocationFromPaths(Location location, Collection<? extends Path> paths) throws IOException {
        fileManager.setLocationFromPaths(location, paths);
    }

    @Override
    public synchronized void close() throws IOException {
        for (StandardJavaFileManager manager : perEntry.values()) {
            if (manager != null) {
                manager.close();
            }
        }
        perEntry.clear();
        super.close();
    }

    // The rest of StandardJavaFileManager, as the standard file manager does it.

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromFiles(Iterable<? extends File> files) {
        return fileManager.getJavaFileObjectsFromFiles(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Collection<? extends Path> paths) {
        return fileManager.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(File... files) {
        return fileManager.getJavaFileObjects(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(Path... paths) {
        return fileManager.getJavaFileObjects(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromStrings(Iterable<String> names) {
        return fileManager.getJavaFileObjectsFromStrings(names);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(String... names) {
        return fileManager.getJavaFileObjects(names);
    }

    @Override
    public void setLocationForModule(Location location, String moduleName, Collection<? extends Path> paths)
            throws IOException {
        fileManager.setLocationForModule(location, moduleName, paths);
    }

    @Override
    public Iterable<? extends File> getLocation(Location location) {
        return fileManager.getLocation(location);
    }

    @Override
    public Iterable<? extends Path> getLocationAsPaths(Location location) {
        return fileManager.getLocationAsPaths(location);
    }

    @Override
    public Path asPath(javax.tools.FileObject file) {
        return fileManager.asPath(file);
    }

    @Override
    public void setPathFactory(PathFactory factory) {
        fileManager.setPathFactory(factory);
    }
}
