package dev.qprobe.cli;

import dev.qprobe.dsl.QProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code qprobe shell}: the JDK's jshell with the library on its class path and {@link QProbe#IMPORTS} imported. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "JShell with the library on the class path and the DSL imported, for quick ablations.")
public final class ShellCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException, InterruptedException {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        if (!Files.isExecutable(jshell)) {
            throw new IOException("jshell not found at " + jshell + ": it comes with a JDK, not a JRE");
        }
        Path startup = Files.createTempFile("qprobe-startup", ".jsh");
        StringBuilder script = new StringBuilder();
        for (String i : QProbe.IMPORTS) {
            script.append("import ").append(i).append(";\n");
        }
        script.append("System.out.println(\"qprobe \" + dev.qprobe.Version.get() + \": try "
                + "QProbe.task(Tasks.arithmetic()).sample(16, 0.8).embed(Embed.hidden(-1)).probe(Objective.PG)"
                + ".select(Beta.standard())\");\n");
        Files.writeString(startup, script);
        startup.toFile().deleteOnExit();
        Process p = new ProcessBuilder(jshell.toString(), "-R--add-modules=jdk.incubator.vector",
                "--class-path", System.getProperty("java.class.path"), "--startup", "DEFAULT",
                "--startup", startup.toString()).inheritIO().start();
        return p.waitFor();
    }
}
