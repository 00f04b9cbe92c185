package dev.qprobe.kernel.eval;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Launches JShell's engine JVM in the background: JShell is built at once, and compiles the
 * start-up imports (javac runs in the kernel's JVM, cold, for most of a second) while the engine's
 * JVM boots on the other core; the first call that needs the engine waits for it. Class path
 * additions made meanwhile are applied, in order, once it is up.
 */
final class BackgroundLaunch implements ExecutionControlProvider {
    private final ExecutionControlProvider provider;
    private volatile Deferred generated;

    /** @param provider launches the engine, e.g. JShell's JDI engine */
    BackgroundLaunch(ExecutionControlProvider provider) {
        this.provider = provider;
    }

    @Override
    public String name() {
        return provider.name();
    }

    @Override
    public Map<String, String> defaultParameters() {
        return provider.defaultParameters();
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        CompletableFuture<ExecutionControl> launch = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                launch.complete(provider.generate(env, parameters));
            } catch (Throwable e) {
                launch.completeExceptionally(e);
            }
        }, "qprobe-engine-launch");
        thread.setDaemon(true);
        thread.start();
        generated = new Deferred(launch);
        return generated;
    }

    /**
     * Waits until the engine generated last is up; throws what its launch threw, as JShell's
     * builder would have ({@code IllegalStateException}, the cause's message in its own).
     */
    void awaitLaunch() {
        try {
            generated.ready.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("Launching JShell execution engine threw: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** The engine, once launched; every call waits for it, in the order they were made. */
    private static final class Deferred implements ExecutionControl {
        /** The launch, then each class path addition made before it ended. */
        private volatile CompletableFuture<ExecutionControl> ready;

        Deferred(CompletableFuture<ExecutionControl> launch) {
            this.ready = launch;
        }

        private ExecutionControl control() throws EngineTerminationException {
            try {
                return ready.join();
            } catch (CompletionException e) {
                throw new EngineTerminationException("the engine's JVM did not start: " + e.getCause().getMessage());
            }
        }

        @Override
        public synchronized void addToClasspath(String path) throws EngineTerminationException, InternalException {
            if (ready.isDone()) {
                control().addToClasspath(path);
                return;
            }
            // JShell itself only logs a failure here (the compiler has the path either way); so do we.
            ready = ready.thenApply(c -> {
                try {
                    c.addToClasspath(path);
                } catch (ExecutionControlException ignored) {
                    // the engine's own class path (--class-path) already holds what kernels add at start
                }
                return c;
            });
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
                EngineTerminationException {
            control().load(cbcs);
        }

        @Override
        public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
                EngineTerminationException {
            control().redefine(cbcs);
        }

        @Override
        public String invoke(String className, String methodName) throws RunException, EngineTerminationException,
                InternalException {
            return control().invoke(className, methodName);
        }

        @Override
        public String varValue(String className, String varName) throws RunException, EngineTerminationException,
                InternalException {
            return control().varValue(className, varName);
        }

        @Override
        public void stop() throws EngineTerminationException, InternalException {
            if (ready.isDone()) { // nothing runs before the engine is up
                control().stop();
            }
        }

        @Override
        public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException,
                InternalException {
            return control().extensionCommand(command, arg);
        }

        @Override
        public void close() {
            // Now, or as soon as a launch under way is done: its JVM must not outlive the shell.
            ready.thenAccept(ExecutionControl::close);
        }
    }
}
