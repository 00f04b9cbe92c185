package dev.qprobe.cli;

import dev.qprobe.kernel.KernelSpec;
import dev.qprobe.kernel.cds.ClassArchive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code qprobe kernel install|uninstall}: the Jupyter kernelspec that starts the Q-probe kernel. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Install or remove the Jupyter kernel \"" + KernelSpec.DISPLAY_NAME + "\".",
        subcommands = {KernelCommand.Install.class, KernelCommand.Uninstall.class})
final class KernelCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Which kernelspec: its name, and this user's Jupyter directory unless a prefix is given. */
    static final class Target {
        @ArgGroup(exclusive = true)
        Location location;

        @Option(names = "--name", description = "the kernelspec's name (default: ${DEFAULT-VALUE})",
                defaultValue = KernelSpec.DEFAULT_NAME)
        String name;

        Path kernelsDir() {
            return location == null || location.prefix == null ? KernelSpec.userKernelsDir()
                    : KernelSpec.prefixKernelsDir(location.prefix);
        }
    }

    static final class Location {
        @Option(names = "--user", description = "this user's Jupyter data directory (the default)")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR",
                description = "an environment's prefix: the kernelspec goes in DIR/share/jupyter/kernels")
        Path prefix;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Write a kernelspec (kernel.json and a logo) that starts the kernel with this Java and the "
                    + "project's class path; `jupyter kernelspec list` shows it. Installing again replaces it."})
    static final class Install implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--no-class-archive", description = "no class-data archive: by default one is made here "
                + "(~10-40 s) and the kernel maps it, so that its first cell comes sooner")
        boolean noClassArchive;

        @Override
        public Integer call() throws IOException {
            String name = target.name;
            Path dir = KernelSpec.install(target.kernelsDir(), name, !noClassArchive);
            String display = KernelSpec.displayName(name);
            System.out.println("installed kernel \"" + display + "\" (" + name + ") in " + dir);
            if (!noClassArchive) {
                makeClassArchive(ClassArchive.forThisJvm(dir.resolve(ClassArchive.FILE_NAME)));
            }
            if (target.location != null && target.location.prefix != null) {
                // Jupyter looks in a prefix's share/jupyter only for its own environment's prefix.
                Path data = target.location.prefix.toAbsolutePath().normalize().resolve("share/jupyter");
                System.out.println("Jupyter finds it once JUPYTER_PATH names " + data + ":");
                System.out.println("  export JUPYTER_PATH=" + data + "${JUPYTER_PATH:+:$JUPYTER_PATH}");
            }
            System.out.println("start it with: jupyter notebook (pick \"" + display
                    + "\") or jupyter console --kernel " + name);
            return 0;
        }

        /** The kernel works without the archive, so a failure here is a note, not an error. */
        private static void makeClassArchive(ClassArchive archive) {
            long start = System.nanoTime();
            try {
                if (archive.make()) {
                    System.out.printf("made the class archive %s (%.0f MB, %.1f s)%n", archive.file(),
                            java.nio.file.Files.size(archive.file()) / 1e6, (System.nanoTime() - start) / 1e9);
                } else {
                    System.out.println("another process is making the class archive " + archive.file());
                }
            } catch (IOException e) {
                System.out.println("note: no class archive (the kernel starts without one): " + e.getMessage());
            }
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Remove a kernelspec installed by install.")
    static final class Uninstall implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws IOException {
            String name = target.name;
            Path kernels = target.kernelsDir();
            if (!KernelSpec.uninstall(kernels, name)) {
                throw new IllegalArgumentException("no kernel named " + name + " in " + kernels);
            }
            System.out.println("removed kernel " + name + " from " + kernels);
            return 0;
        }
    }
}
