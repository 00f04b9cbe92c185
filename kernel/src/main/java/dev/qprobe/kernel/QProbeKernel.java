package dev.qprobe.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qprobe.Version;
import dev.qprobe.kernel.engine.Display;
import dev.qprobe.kernel.engine.Notebook;
import dev.qprobe.kernel.engine.OutputEvent;
import dev.qprobe.kernel.eval.Completion;
import dev.qprobe.kernel.eval.EvalResult.CellError;
import dev.qprobe.kernel.eval.EvalResult;
import dev.qprobe.kernel.eval.InputSource;
import dev.qprobe.kernel.eval.JShellEvaluator;
import dev.qprobe.kernel.magic.Magics;
import dev.qprobe.kernel.protocol.CellHistory;
import dev.qprobe.kernel.protocol.GuardedConnection;
import dev.qprobe.kernel.protocol.StdinRequests;
import dev.qprobe.kernel.protocol.StreamBatcher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

/**
 * The Jupyter kernel: JJava's {@link BaseKernel} does the messaging (protocol 5.3), a
 * {@link JShellEvaluator} runs the cells.
 *
 * <p>A cell's output goes to the client as {@code stream} messages while it runs, what it
 * publishes through {@link Notebook} as {@code display_data}, {@code update_display_data} and
 * {@code clear_output} in between, its value as
 * an {@code execute_result} with the MIME bundle of {@link Display}, and a failure as an
 * {@code error} message and an error {@code execute_reply} carrying the {@link CellError}'s
 * name, message and trace. Cells may start with {@link Magics}; a cell reading {@code System.in}
 * asks the client for input when the request allows it. Cells that store history answer
 * {@code history_request}s ({@link CellHistory}). An {@code interrupt_request} stops the running cell; a
 * {@code shutdown_request}, with or without restart, ends the engine (the client starts a new
 * kernel process for a restart).
 */
public final class QProbeKernel extends BaseKernel {
    private final JShellEvaluator evaluator;
    private final Magics magics;
    private final CellHistory history;
    /** Sends the text that {@link StreamBatcher}s hold once its short wait is over. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qprobe-output-batching");
        t.setDaemon(true);
        return t;
    });
    /** Input from the client, once connected to a {@link GuardedConnection}. */
    private volatile StdinRequests stdin;

    /**
     * A kernel around {@code evaluator}, which it closes on shutdown.
     *
     * @param evaluator runs the cells, e.g. {@link JShellEvaluator#withDsl}
     */
    public QProbeKernel(JShellEvaluator evaluator) {
        this(evaluator, new CellHistory());
    }

    private QProbeKernel(JShellEvaluator evaluator, CellHistory history) {
        super("qprobe", Version.get(), languageInfo(), List.of(), history, new JupyterIO(UTF_8), new CommManager(),
                new Renderer(), null, null, false, new StringStyler.Builder().build());
        this.evaluator = evaluator;
        this.magics = new Magics(evaluator, Path.of("").toAbsolutePath());
        this.history = history;
    }

    /** Handles the connection's requests; input requests go out on its stdin channel. */
    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        if (connection instanceof GuardedConnection guarded) {
            stdin = guarded.stdinRequests();
        }
    }

    private static LanguageInfo languageInfo() {
        // Cells compile with the JDK the kernel runs on, so that is the language version.
        return new LanguageInfo.Builder("java")
                .version(String.valueOf(Runtime.version().feature()))
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    /** Names Q-probe, its version and the JDK. */
    @Override
    public String getBanner() {
        return "Q-probe " + Version.get() + " (qprobe): Java " + Runtime.version() + " in JShell";
    }

    /**
     * Runs a cell, streaming its output to the client as it is written. Replaces JJava's version,
     * which evaluates in this JVM with {@code System.out} redirected; ours runs in the engine's JVM.
     */
    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        String code = request.getCode() == null ? "" : request.getCode();
        boolean silent = request.isSilent();
        boolean store = !silent && request.shouldStoreHistory();
        // The count goes up with each cell that stores history, as the messaging spec says.
        int count = store ? executionCount.getAndIncrement() : executionCount.get();
        env.setBusyDeferIdle();
        if (!silent) {
            env.publish(new PublishExecuteInput(code, count));
        }
        StreamBatcher batch = new StreamBatcher(timer, (stream, text) -> env.publish(new PublishStream(
                "stderr".equals(stream) ? PublishStream.StreamType.ERR : PublishStream.StreamType.OUT, text)));
        Consumer<String> out = silent ? null : text -> batch.text("stdout", text);
        Consumer<String> err = silent ? null : text -> batch.text("stderr", text);
        Consumer<OutputEvent> outputs = silent ? null : event -> batch.then(() -> publish(env, event));
        EvalResult result;
        try {
            result = runCell(message, code, out, err, outputs);
        } finally {
            batch.flush(); // all of the cell's text before its result, error and reply
        }
        if (store) {
            history.add(count, code, String.valueOf(result.display().getOrDefault("text/plain", "")));
        }
        if (result.error().isPresent()) {
            CellError e = result.error().get();
            env.publish(new PublishError(e.name(), e.message(), e.trace()));
            ErrorReply reply = new ErrorReply(e.name(), e.message(), e.trace());
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
            return;
        }
        if (!silent && !result.display().isEmpty()) {
            env.publish(new PublishExecuteResult(count, bundle(result.display())));
        }
        env.defer().reply(new ExecuteReply(count, Map.of()));
    }

    /** Sends an output the cell published while running as the Jupyter message of the same name. */
    private static void publish(ShellReplyEnvironment env, OutputEvent event) {
        if (event instanceof OutputEvent.NewDisplay d) {
            DisplayData data = bundle(d.data());
            data.setDisplayId(d.displayId());
            env.publish(new PublishDisplayData(data));
        } else if (event instanceof OutputEvent.UpdateDisplay u) {
            DisplayData data = bundle(u.data());
            data.setDisplayId(u.displayId());
            env.publish(new PublishUpdateDisplayData(data));
        } else if (event instanceof OutputEvent.ClearOutput c) {
            env.publish(c.waitForNextOutput() ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    /** Runs a cell's magics and Java, its {@code System.in} reading from the client if the request allows. */
    private EvalResult runCell(Message<ExecuteRequest> message, String code, Consumer<String> out,
            Consumer<String> err, Consumer<OutputEvent> outputs) {
        return magics.run(code, out, err, outputs, inputFor(message));
    }

    private InputSource inputFor(Message<ExecuteRequest> message) {
        StdinRequests channel = stdin;
        if (!message.getContent().isStdinEnabled()) {
            return InputSource.none("note: this front end takes no input (allow_stdin is false), so System.in is at"
                    + " its end");
        }
        if (channel == null) {
            return InputSource.none("note: the kernel has no stdin channel, so System.in is at its end");
        }
        return stopped -> {
            String value = channel.ask(message, "", false, stopped);
            // Front ends answer Ctrl-D with the EOT character (jupyter console does): the end of the input.
            return "\u0004".equals(value) ? null : value;
        };
    }

    private static DisplayData bundle(Map<String, Object> mime) {
        DisplayData data = new DisplayData();
        mime.forEach(data::putData);
        return data;
    }

    /**
     * Runs a cell for JJava's extensions and magics (cells from the client go through
     * {@link #handleExecuteRequest}): its value rendered, or null without one.
     *
     * @throws IllegalStateException if the cell fails
     */
    @Override
    public Object evalRaw(String source) {
        EvalResult result = evaluator.eval(source);
        if (result.error().isPresent()) {
            CellError e = result.error().get();
            throw new IllegalStateException(e.name() + ": " + e.message());
        }
        return result.display().isEmpty() ? null : bundle(result.display());
    }

    /** The signature and javadoc summary at {@code at} as text, or null if nothing is known there. */
    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return evaluator.inspect(code, at).map(DisplayData::new).orElse(null);
    }

    /** JShell's completions at {@code at}. */
    @Override
    public ReplacementOptions complete(String code, int at) {
        Completion c = evaluator.complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    /** {@code complete}, {@code invalid}, or an empty indent for code that needs more lines. */
    @Override
    public String isComplete(String code) {
        return switch (magics.isComplete(code)) {
            case COMPLETE -> IS_COMPLETE_YES;
            case INVALID -> IS_COMPLETE_BAD;
            case INCOMPLETE -> "";
        };
    }

    /** Stops the running cell (kernel.json asks for interrupts as messages: a signal would end the JVM). */
    @Override
    public void interrupt() {
        evaluator.interrupt();
    }

    /** Ends the engine's JVM; the connection closes next, and the process ends. */
    @Override
    public void onShutdown(boolean isRestarting) {
        evaluator.interrupt();
        evaluator.close();
        timer.shutdown();
        super.onShutdown(isRestarting);
    }
}
