package dev.qprobe.task.code;

import dev.qprobe.task.code.PythonSandbox.Isolation;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operating-system jail around every sandboxed {@code python3}: which one works here (probed
 * once per interpreter and mode, then cached), and the command line that puts a process in it.
 *
 * <p>{@link Isolation#BUBBLEWRAP}: {@code bwrap} with new PID, network, IPC, UTS and cgroup
 * namespaces (and a user namespace when this JVM is not root), an empty root file system with
 * only {@code /usr}, the {@code /lib} directories, {@code /etc/ld.so.cache} and the interpreter's
 * own directories bound read-only, a private {@code /proc} and minimal {@code /dev}, the scratch
 * directory bound writable, {@code /} remounted read-only, a new session, and death with its
 * parent. The code runs as uid/gid 65534 with no capabilities; when this JVM is root, bwrap
 * works without a user namespace and {@code setpriv} drops to uid 65534 inside (so the kernel
 * counts the process limit against 65534, not root, which it would exempt).
 *
 * <p>{@link Isolation#UNSHARE}, the fallback when bwrap is missing: util-linux's {@code unshare}
 * with the same namespaces (plus a user namespace when not root), a shell step that binds the
 * scratch directory onto itself and remounts every other mount read-only, then {@code setpriv}
 * with an empty capability bounding set and no new privileges (and uid 65534 when root). The
 * whole file system stays visible read-only, as far as its permissions allow.
 *
 * <p>{@link Isolation#NONE}: a plain child process; only by explicit opt-in.
 */
final class Confinement {
    static final int SANDBOX_UID = 65534;
    private static final int OPEN_FILES = 64;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> SYSTEM_DIRS = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** Per jail kind and interpreter: why the probe failed, or "" where it held. */
    private static final Map<String, String> PROBED = new ConcurrentHashMap<>();
    /** Checks, inside the jail, what the jail promises; prints "ok" and exits 0 only if all hold. */
    private static final String PROBE = String.join("\n",
            "import os, socket, sys",
            "open('probe', 'w').write('x')",
            "for p in ('/', '/usr', sys.base_prefix):",
            "    if os.access(p, os.W_OK): print('writable: ' + p); sys.exit(3)",
            "names = [n for _, n in socket.if_nameindex()]",
            "if names != ['lo'] and names != []: print('network interfaces: %s' % names); sys.exit(4)",
            "if os.getpid() > 3: print('not in a new PID namespace'); sys.exit(5)",
            "if open('/proc/self/uid_map').read().split()[:2] == ['0', '0'] and os.geteuid() == 0:",
            "    print('still root'); sys.exit(6)",
            "print('ok')");

    private final Isolation isolation;
    private final Path python;
    private final List<Path> pythonDirs;
    private final boolean root;
    private final Map<String, String> tools;

    private Confinement(Isolation isolation, Path python, List<Path> pythonDirs, Map<String, String> tools) {
        this.isolation = isolation;
        this.python = python;
        this.pythonDirs = pythonDirs;
        this.root = isRoot();
        this.tools = tools;
    }

    /**
     * The jail for {@code python}: {@code wanted} if given (checked), else the first of bubblewrap
     * and unshare that works here.
     *
     * @throws IllegalStateException if the wanted jail, or (when none was named) every jail,
     *                               does not work here; the message says why
     */
    static Confinement choose(Path python, List<Path> pythonDirs, Isolation wanted) {
        if (wanted == Isolation.NONE) {
            return new Confinement(Isolation.NONE, python, pythonDirs, Map.of());
        }
        List<Isolation> tried = wanted == null ? List.of(Isolation.BUBBLEWRAP, Isolation.UNSHARE) : List.of(wanted);
        List<String> why = new ArrayList<>();
        for (Isolation isolation : tried) {
            String key = isolation + " " + python;
            Map<String, String> tools = tools(isolation);
            if (tools.containsValue(null)) {
                why.add(isolation.name().toLowerCase() + ": not installed: " + missing(tools));
                continue;
            }
            Confinement c = new Confinement(isolation, python, pythonDirs, tools);
            String failure = PROBED.computeIfAbsent(key, k -> {
                String f = c.probe();
                return f == null ? "" : f;
            });
            if (failure.isEmpty()) {
                return c;
            }
            why.add(isolation.name().toLowerCase() + ": " + failure);
        }
        throw new IllegalStateException("no operating-system isolation works here, so untrusted code is not run ("
                + String.join("; ", why) + "). Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) on a"
                + " kernel that allows user namespaces, or, only for code you trust, opt in to unisolated runs with"
                + " PythonSandbox.unisolated()");
    }

    Isolation isolation() {
        return isolation;
    }

    /** Whether processes in the jail run as {@link #SANDBOX_UID} in this JVM's user namespace. */
    private boolean dropsToSandboxUid() {
        return root && isolation != Isolation.NONE;
    }

    /** A fresh scratch directory in {@code parent}, writable for the jailed process. */
    Path newScratch(Path parent) throws IOException {
        Path scratch = Files.createTempDirectory(parent, "qprobe-sandbox-").toRealPath();
        if (dropsToSandboxUid()) {
            Files.setAttribute(scratch, "unix:uid", SANDBOX_UID, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(scratch, "unix:gid", SANDBOX_UID, LinkOption.NOFOLLOW_LINKS);
        }
        return scratch;
    }

    /**
     * The hard limits for a run, as common.py's set_limits reads them. No process limit without a
     * jail: there the kernel would count every process of this JVM's user against it.
     */
    Map<String, Object> limits(long memoryBytes, long cpuSeconds, long fileSizeBytes, int processes) {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("memoryBytes", memoryBytes);
        limits.put("cpuSeconds", cpuSeconds);
        limits.put("fileSizeBytes", fileSizeBytes);
        limits.put("openFiles", OPEN_FILES);
        limits.put("processes", isolation == Isolation.NONE ? 0 : processes);
        return limits;
    }

    /** The environment of a jailed process: nothing of this JVM's. */
    Map<String, String> env(Path scratch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", scratch.toString());
        return env;
    }

    /** The command that runs {@code python args...} in the jail, in {@code scratch}. */
    List<String> command(Path scratch, List<String> args) {
        List<String> c = new ArrayList<>();
        switch (isolation) {
            case BUBBLEWRAP -> bubblewrap(c, scratch);
            case UNSHARE -> unshare(c, scratch);
            case NONE -> {
            }
        }
        c.add(python.toString());
        c.addAll(args);
        return c;
    }

    private void bubblewrap(List<String> c, Path scratch) {
        String s = scratch.toString();
        c.addAll(List.of(tools.get("bwrap"), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session"));
        if (root) {
            c.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        } else {
            c.addAll(List.of("--unshare-user", "--uid", "" + SANDBOX_UID, "--gid", "" + SANDBOX_UID));
        }
        c.addAll(List.of("--ro-bind", "/usr", "/usr"));
        for (String dir : SYSTEM_DIRS) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) {
                c.addAll(List.of("--symlink", readLink(p), dir));
            } else if (Files.isDirectory(p)) {
                c.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        c.addAll(List.of("--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"));
        Set<Path> made = new HashSet<>();
        for (Path dir : pythonDirs) {
            parents(c, dir, made);
            c.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
        }
        parents(c, scratch, made);
        c.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--bind", s, s, "--chdir", s, "--remount-ro", "/",
                "--clearenv"));
        for (Map.Entry<String, String> e : env(scratch).entrySet()) {
            c.addAll(List.of("--setenv", e.getKey(), e.getValue()));
        }
        if (root) {
            c.addAll(setpriv());
        }
    }

    /** Makes the parent directories of a mount point searchable: bwrap as root would make them 0700. */
    private static void parents(List<String> c, Path path, Set<Path> made) {
        List<Path> chain = new ArrayList<>();
        for (Path p = path.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path p : chain) {
            if (made.add(p)) {
                c.addAll(List.of("--perms", "0755", "--dir", p.toString()));
            }
        }
    }

    private void unshare(List<String> c, Path scratch) {
        c.add(tools.get("unshare"));
        if (!root) {
            c.addAll(List.of("--user", "--map-root-user"));
        }
        c.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--net", "--ipc", "--uts", "--mount-proc",
                "--propagation", "private", tools.get("sh"), "-c", String.join("\n",
                        "set -e",
                        "s=$1; shift",
                        "mount --bind \"$s\" \"$s\"",
                        "findmnt -rno TARGET | while IFS= read -r m; do",
                        "  case $m in \"$s\"|/proc|/proc/*) ;; *) mount -o remount,bind,ro \"$m\" ;; esac",
                        "done",
                        "cd \"$s\"",
                        "exec \"$@\""), "sh", scratch.toString()));
        c.addAll(setpriv());
    }

    /** Drops every capability for good (and, as root, to uid 65534). */
    private List<String> setpriv() {
        List<String> c = new ArrayList<>(List.of(tools.get("setpriv")));
        if (root) {
            c.addAll(List.of("--reuid", "" + SANDBOX_UID, "--regid", "" + SANDBOX_UID, "--clear-groups"));
        }
        c.addAll(List.of("--bounding-set", "-all", "--inh-caps", "-all", "--no-new-privs", "--"));
        return c;
    }

    /** Runs the probe in this jail: null if it holds, else why not. */
    private String probe() {
        Path scratch = null;
        try {
            scratch = newScratch(Path.of(System.getProperty("java.io.tmpdir")));
            SandboxProcess.Finished f = SandboxProcess.run(command(scratch, List.of("-I", "-S", "-B", "-c", PROBE)),
                    scratch, env(scratch), null, PROBE_TIMEOUT, 16 * 1024);
            String out = f.output().strip();
            if (f.timedOut()) {
                return "the probe did not finish in " + PROBE_TIMEOUT.toSeconds() + " s";
            }
            return f.exitCode() == 0 && out.endsWith("ok") ? null
                    : "exit code " + f.exitCode() + ": " + lastLine(out);
        } catch (IOException | RuntimeException e) {
            return e.toString();
        } finally {
            if (scratch != null) {
                ScratchDirs.delete(scratch);
            }
        }
    }

    private static String lastLine(String out) {
        String[] lines = out.split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }

    private static Map<String, String> tools(Isolation isolation) {
        List<String> names = isolation == Isolation.BUBBLEWRAP ? List.of("bwrap", "setpriv")
                : List.of("unshare", "setpriv", "sh", "mount", "findmnt");
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : names) {
            found.put(name, which(name));
        }
        return found;
    }

    private static String missing(Map<String, String> tools) {
        List<String> names = new ArrayList<>();
        tools.forEach((name, path) -> {
            if (path == null) {
                names.add(name);
            }
        });
        return String.join(", ", names);
    }

    /** The absolute path of a program on the PATH or in the system directories, or null. */
    private static String which(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath().toString();
            }
        }
        return null;
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the link " + p, e);
        }
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
