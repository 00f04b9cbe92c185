package dev.qprobe.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The probe backends on the class path, and the choice of one. */
public final class ProbeBackends {
    private static final Map<Backend, ProbeBackend> CREATED = new ConcurrentHashMap<>();
    private static volatile List<ProbeBackendProvider> providers;
    private static volatile ProbeBackendProvider automatic;

    private ProbeBackends() {
    }

    /** Every provider found, by name. */
    public static List<ProbeBackendProvider> providers() {
        List<ProbeBackendProvider> found = providers;
        if (found == null) {
            Map<String, ProbeBackendProvider> byName = new LinkedHashMap<>();
            for (ClassLoader loader : new ClassLoader[] {ProbeBackendProvider.class.getClassLoader(),
                    Thread.currentThread().getContextClassLoader()}) {
                for (ProbeBackendProvider p : ServiceLoader.load(ProbeBackendProvider.class, loader)) {
                    byName.putIfAbsent(p.name(), p);
                }
            }
            found = byName.values().stream().sorted(Comparator.comparing(ProbeBackendProvider::name)).toList();
            providers = found;
        }
        return found;
    }

    /** The provider named {@code name}; a clear error naming the ones there are. */
    public static ProbeBackendProvider provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no probe backend named '" + name + "'; available: auto, "
                        + providers().stream().map(ProbeBackendProvider::name).collect(Collectors.joining(", "))));
    }

    /** The provider {@link Backend#auto()} stands for here: the highest non-negative rank (asked once). */
    public static ProbeBackendProvider automatic() {
        ProbeBackendProvider chosen = automatic;
        if (chosen == null) {
            chosen = providers().stream().filter(p -> p.autoRank() >= 0)
                    .max(Comparator.comparingInt(ProbeBackendProvider::autoRank))
                    .orElseThrow(() -> new IllegalStateException("no probe backend can run here: found "
                            + providers().stream().map(ProbeBackendProvider::name).toList()));
            automatic = chosen;
        }
        return chosen;
    }

    /** The backend {@code choice} names, created once per choice. */
    public static ProbeBackend resolve(Backend choice) {
        return CREATED.computeIfAbsent(choice, c ->
                (c.isAuto() ? automatic() : provider(c.name())).create(c.device()));
    }

    /** The CPU backend, which scores trained probes. */
    public static ProbeBackend cpu() {
        return resolve(Backend.cpu());
    }

    /** Which backend {@code auto} picks here and what each one is, one per line. */
    public static String describe() {
        List<String> lines = new ArrayList<>();
        lines.add("probe backend (auto): " + automatic().name());
        for (ProbeBackendProvider p : providers()) {
            lines.add("  " + p.name() + ": " + p.describe());
        }
        return String.join("\n", lines);
    }
}
