package dev.qprobe.probe;

/**
 * Makes one kind of {@link ProbeBackend}; found through {@link java.util.ServiceLoader} (list the
 * class in {@code META-INF/services/dev.qprobe.probe.ProbeBackendProvider}), so a backend plugs
 * in without the library knowing it.
 */
public interface ProbeBackendProvider {

    /** The name users choose it by, e.g. "cpu", "djl". */
    String name();

    /**
     * How much {@link Backend#auto()} prefers this backend on this machine; the highest wins, and
     * a negative rank is never chosen automatically. May probe the hardware, so it is asked once.
     */
    int autoRank();

    /** The backend on {@code device} ("" for its default device); a clear error for a device it cannot use. */
    ProbeBackend create(String device);

    /** One line on what this backend is and can use here, for {@code %version} and logs. */
    String describe();
}
