package dev.qprobe.kernel.magic;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Resolves Maven artifacts with their runtime dependencies through Maven's own resolver, set up
 * as the user's Maven is: the local repository, mirrors and offline mode of
 * {@code ~/.m2/settings.xml} (or the file given), Maven Central as the remote repository.
 *
 * @param localRepository where artifacts are cached (and found offline)
 * @param remotes         the repositories to ask, mirrors applied
 * @param offline         whether only the local repository may be used
 */
record MavenResolver(Path localRepository, List<RemoteRepository> remotes, boolean offline) {
    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    /** The user's Maven set-up: {@code ~/.m2/settings.xml} if there is one, else Maven's defaults. */
    static MavenResolver fromUserSettings() {
        Path home = Path.of(System.getProperty("user.home"));
        return fromSettings(home.resolve(".m2/settings.xml"), home.resolve(".m2/repository"));
    }

    /**
     * The set-up a settings file describes: {@code <localRepository>}, {@code <offline>} and the
     * {@code <mirrors>} ({@code mirrorOf} {@code *}, {@code central} or {@code external:*} cover
     * Maven Central).
     *
     * @param defaultLocal the local repository when the file names none
     * @throws IllegalArgumentException naming the file if it cannot be read as XML
     */
    static MavenResolver fromSettings(Path settings, Path defaultLocal) {
        Path local = defaultLocal;
        boolean offline = false;
        RemoteRepository central = new RemoteRepository.Builder("central", "default", CENTRAL).build();
        List<RemoteRepository> remotes = List.of(central);
        if (Files.isRegularFile(settings)) {
            Document doc;
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                doc = factory.newDocumentBuilder().parse(settings.toFile());
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot read Maven settings " + settings + ": " + e.getMessage(), e);
            }
            Element root = doc.getDocumentElement();
            String localText = text(root, "localRepository");
            if (localText != null) {
                local = Path.of(localText.replace("${user.home}", System.getProperty("user.home")));
            }
            offline = "true".equalsIgnoreCase(text(root, "offline"));
            DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
            NodeList list = root.getElementsByTagName("mirror");
            for (int i = 0; i < list.getLength(); i++) {
                Element m = (Element) list.item(i);
                String url = text(m, "url");
                if (url != null) {
                    String id = text(m, "id");
                    mirrors.add(id == null ? "mirror" : id, url, "default", false, false,
                            text(m, "mirrorOf") == null ? "*" : text(m, "mirrorOf"), "*");
                }
            }
            RemoteRepository mirror = mirrors.getMirror(central);
            if (mirror != null) {
                remotes = List.of(mirror);
            }
        }
        return new MavenResolver(local, remotes, offline);
    }

    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                String value = e.getTextContent().strip();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The repositories asked, for messages: their ids and URLs, and the local repository. */
    String describe() {
        List<String> names = new ArrayList<>();
        names.add("local " + localRepository);
        if (!offline) {
            remotes.forEach(r -> names.add(r.getId() + " " + r.getUrl()));
        } else {
            names.add("(offline: no remote repository)");
        }
        return String.join(", ", names);
    }

    /**
     * The jars of {@code coordinates} ({@code group:artifact[:extension[:classifier]]:version}) and
     * of their runtime dependencies, by coordinates, downloaded into the local repository as needed.
     *
     * @throws IllegalArgumentException if a coordinate is malformed
     * @throws DependencyResolutionException if something cannot be resolved
     */
    Map<String, File> resolve(List<String> coordinates) throws DependencyResolutionException {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try {
            DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
            session.setLocalRepositoryManager(system.newLocalRepositoryManager(session,
                    new LocalRepository(localRepository.toFile())));
            session.setOffline(offline);
            CollectRequest collect = new CollectRequest();
            for (String c : coordinates) {
                collect.addDependency(new Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME));
            }
            collect.setRepositories(remotes);
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            Map<String, File> jars = new java.util.LinkedHashMap<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                var a = r.getArtifact();
                jars.put(a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getVersion(), a.getFile());
            }
            return jars;
        } finally {
            system.shutdown();
        }
    }
}
