package dev.qprobe.kernel.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.SocketOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import jdk.jshell.execution.RemoteExecutionControl;
import jdk.jshell.execution.Util;
import jdk.jshell.spi.ExecutionControl;
import jdk.net.ExtendedSocketOptions;

/**
 * The JShell engine's side of the connection to the kernel: JShell's own remote agent with a
 * socket tuned for its traffic. JShell's protocol writes each command and result as several
 * small packets and waits for the answer; with Nagle's algorithm on and the peer delaying its
 * ACKs, every snippet stalled for a delayed-ACK timeout (about 200 ms for {@code 1 + 1} here).
 * Sending at once ({@code TCP_NODELAY}) and acknowledging at once ({@code TCP_QUICKACK}, Linux,
 * set again around every read since the kernel clears it) brings a snippet to about 30 ms.
 *
 * <p>It overrides {@code invoke} and {@code varValue} only so that their frames name this class:
 * JShell's stop (an interrupt) looks for the running cell in frames of the agent class it launched.
 */
public final class EngineAgent extends RemoteExecutionControl {

    /** Connects to the kernel on {@code args[0]} (a loopback port) and serves JShell's commands. */
    public static void main(String[] args) throws Exception {
        Socket socket = new Socket((String) null, Integer.parseInt(args[0]));
        socket.setTcpNoDelay(true);
        Map<String, Consumer<OutputStream>> outputs = new HashMap<>();
        outputs.put("out", stream -> System.setOut(new PrintStream(stream, true)));
        outputs.put("err", stream -> System.setErr(new PrintStream(stream, true)));
        Map<String, Consumer<InputStream>> inputs = new HashMap<>();
        inputs.put("in", System::setIn);
        Util.forwardExecutionControlAndIO(new EngineAgent(), quickAcking(socket), socket.getOutputStream(), outputs,
                inputs);
    }

    private static InputStream quickAcking(Socket socket) throws IOException {
        SocketOption<Boolean> quickAck = ExtendedSocketOptions.TCP_QUICKACK;
        if (!socket.supportedOptions().contains(quickAck)) {
            return socket.getInputStream();
        }
        return new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                ack();
                int b = super.read();
                ack();
                return b;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                ack();
                int n = super.read(bytes, offset, length);
                ack();
                return n;
            }

            private void ack() throws IOException {
                socket.setOption(quickAck, true);
            }
        };
    }

    @Override
    protected String invoke(Method method) throws Exception {
        return super.invoke(method);
    }

    @Override
    public String varValue(String className, String varName) throws ExecutionControl.RunException,
            ExecutionControl.EngineTerminationException, ExecutionControl.InternalException {
        return super.varValue(className, varName);
    }
}
