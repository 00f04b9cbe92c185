package dev.qprobe.task.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The interpreter's real executable and the directories it needs, found by running it once. */
record Interpreter(Path executable, List<Path> dirs) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> SYSTEM = List.of(Path.of("/usr"), Path.of("/bin"), Path.of("/lib"),
            Path.of("/lib64"), Path.of("/sbin"));

    static Interpreter find(String executable) {
        String hint = "python3 not found: install it or pass the path (tried \"" + executable + "\")";
        SandboxProcess.Finished probe;
        try {
            probe = SandboxProcess.run(List.of(executable, "-I", "-S", "-c", String.join("\n",
                    "import json, os, sys",
                    "if sys.version_info < (3, 9): sys.exit(3)",
                    "exe = os.path.realpath(sys.executable)",
                    "dirs = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,",
                    "        os.path.dirname(os.path.dirname(exe))]",
                    "print(json.dumps([exe, [os.path.realpath(d) for d in dirs]]))")),
                    null, System.getenv(), null, Duration.ofSeconds(20), 64 * 1024);
        } catch (IOException e) {
            throw new IllegalStateException(hint + ": " + e.getMessage(), e);
        }
        if (probe.exitCode() == 3) {
            throw new IllegalStateException(executable + " is older than Python 3.9, which the sandbox needs");
        }
        String out = probe.output().strip();
        try {
            JsonNode found = JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
            Set<Path> dirs = new LinkedHashSet<>();
            found.get(1).forEach(d -> dirs.add(Path.of(d.asText())));
            return new Interpreter(Path.of(found.get(0).asText()), List.copyOf(dirs));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(hint + ": exit code " + probe.exitCode() + ", output: " + out);
        }
    }

    /** The directories to bind into a jail besides the system's, outermost first. */
    List<Path> dirsOutsideTheSystem() {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            if (SYSTEM.stream().noneMatch(d::startsWith) && out.stream().noneMatch(d::startsWith)) {
                out.removeIf(o -> o.startsWith(d));
                out.add(d);
            }
        }
        return out;
    }
}
