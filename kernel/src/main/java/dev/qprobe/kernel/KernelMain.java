package dev.qprobe.kernel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qprobe.kernel.cds.ClassArchive;
import dev.qprobe.kernel.eval.JShellEvaluator;
import dev.qprobe.kernel.eval.OutputLimit;
import dev.qprobe.kernel.protocol.GuardedConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the kernel as Jupyter does: {@code KernelMain <connection file>}. Binds only to the
 * transport and address of the connection file at once, while the engine starts in the
 * background, and runs until a {@code shutdown_request} or until the process that started it
 * ends. Exits with status 2 if the connection file is missing or malformed.
 */
public final class KernelMain {
    /** The system property naming the class archive ({@link ClassArchive}) the kernel and its engine map. */
    public static final String ARCHIVE_PROPERTY = "qprobe.kernel.classArchive";
    /** How long after the engine's start a stale class archive is made anew. */
    private static final long REMAKE_DELAY_MILLIS = 20_000;
    private static final List<String> PORTS = List.of("shell_port", "iopub_port", "stdin_port", "control_port",
            "hb_port");

    private KernelMain() {
    }

    /** Thrown for a connection file that cannot be used; the message names the file and the problem. */
    static final class BadConnectionFile extends Exception {
        private static final long serialVersionUID = 1L;

        BadConnectionFile(Path file, String problem) {
            super("connection file " + file + ": " + problem);
        }
    }

    /**
     * Runs the kernel.
     *
     * @param args the connection file's path
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: KernelMain <connection file>");
            System.exit(2);
        }
        KernelConnectionProperties properties;
        try {
            properties = readConnectionFile(Path.of(args[0]));
        } catch (BadConnectionFile e) {
            System.err.println("qprobe kernel: " + e.getMessage());
            System.exit(2);
            return;
        }
        OutputLimit limit;
        try {
            // Jupyter's runtime directory, where the connection file is: the cells' long outputs go beside it.
            Path runtime = Path.of(args[0]).toAbsolutePath().getParent();
            limit = OutputLimit.fromEnvironment(System.getenv(),
                    runtime.resolve("qprobe-output-" + ProcessHandle.current().pid()));
        } catch (IllegalArgumentException e) {
            System.err.println("qprobe kernel: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> limit.deleteFiles(), "qprobe-output-cleanup"));
        exitWithParent();
        try {
            String archivePath = System.getProperty(ARCHIVE_PROPERTY);
            JShellEvaluator evaluator;
            if (archivePath == null) {
                evaluator = JShellEvaluator.withDsl();
            } else {
                ClassArchive archive = ClassArchive.forThisJvm(Path.of(archivePath));
                evaluator = JShellEvaluator.withDsl(archive);
                remakeIfStale(archive, evaluator);
            }
            evaluator.limitOutput(limit);
            run(properties, evaluator);
        } catch (GeneralSecurityException e) {
            System.err.println("qprobe kernel: connection file " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
        System.exit(0);
    }

    /**
     * Makes the class archive (and the package index beside it) anew, in the background once the
     * engine has started and warmed up, if it is missing or was made for another class path or JVM
     * (a rebuilt jar); the next start maps it. A failure (an unwritable kernelspec, say) is one
     * line in the kernel's log.
     */
    private static void remakeIfStale(ClassArchive archive, JShellEvaluator evaluator) {
        Thread thread = new Thread(() -> {
            try {
                evaluator.awaitStart();
                Thread.sleep(REMAKE_DELAY_MILLIS); // the first cells come first
                // An install made before the package index existed has a usable archive but no index.
                if ((!archive.usable() || archive.packageIndex().isEmpty()) && archive.make()) {
                    System.err.println("qprobe kernel: made the class archive " + archive.file()
                            + "; kernels started from now on map it");
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("qprobe kernel: could not make the class archive " + archive.file() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "qprobe-class-archive");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Ends this process when its parent ends, as ipykernel does: a front end that dies without a
     * shutdown_request would otherwise leave the kernel and its engine's JVM running for nobody.
     */
    private static void exitWithParent() {
        ProcessHandle.current().parent().filter(p -> p.pid() != 1).ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("qprobe kernel: the process that started it (" + parent.pid() + ") ended; exiting");
            System.exit(0);
        }));
    }

    /**
     * Serves {@code properties}' channels with a {@link QProbeKernel} around {@code evaluator} until
     * a client asks for shutdown.
     *
     * @throws GeneralSecurityException if the signature scheme or key is unusable
     */
    static void run(KernelConnectionProperties properties, JShellEvaluator evaluator)
            throws GeneralSecurityException {
        GuardedConnection connection = new GuardedConnection(properties);
        QProbeKernel kernel = new QProbeKernel(evaluator);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }

    /** Reads and checks a connection file, saying what is wrong with it. */
    static KernelConnectionProperties readConnectionFile(Path file) throws BadConnectionFile {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadConnectionFile(file, Files.exists(file) ? "cannot be read (" + e + ")" : "does not exist");
        }
        JsonObject json;
        try {
            JsonElement element = JsonParser.parseString(text);
            if (!element.isJsonObject()) {
                throw new BadConnectionFile(file, "is not a JSON object");
            }
            json = element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new BadConnectionFile(file, "is not valid JSON (" + e.getMessage() + ")");
        }
        for (String field : List.of("transport", "ip", "key", "signature_scheme")) {
            if (!json.has(field) || !json.get(field).isJsonPrimitive()) {
                throw new BadConnectionFile(file, "has no string \"" + field + "\"");
            }
        }
        for (String port : PORTS) {
            int value;
            try {
                value = json.get(port).getAsInt();
            } catch (RuntimeException e) {
                throw new BadConnectionFile(file, "has no number \"" + port + "\"");
            }
            if (value < 1 || value > 65535) {
                throw new BadConnectionFile(file, "\"" + port + "\" is " + value + ", not a port from 1 to 65535");
            }
        }
        String transport = json.get("transport").getAsString();
        if (!transport.equals("tcp")) {
            // JJava writes every address as transport://ip:port, which is not how Jupyter names ipc endpoints.
            throw new BadConnectionFile(file, "transport \"" + transport + "\" is not supported, only tcp");
        }
        String scheme = json.get("signature_scheme").getAsString();
        if (!json.get("key").getAsString().isEmpty() && !scheme.equals("hmac-sha256")) {
            throw new BadConnectionFile(file, "signature scheme \"" + scheme + "\" is not hmac-sha256");
        }
        return KernelConnectionProperties.parse(text);
    }
}
