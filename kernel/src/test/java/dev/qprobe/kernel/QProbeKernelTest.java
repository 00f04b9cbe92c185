package dev.qprobe.kernel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qprobe.Version;
import dev.qprobe.kernel.eval.JShellEvaluator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * End to end: one kernel, served by {@link KernelMain#run} on random TCP ports of 127.0.0.1, and a
 * client speaking the Jupyter protocol over jeromq with signed messages, as Jupyter would. The
 * engine's start is held back until the kernel has answered a kernel_info_request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QProbeKernelTest {
    private static final String KEY = "a3f1c0de-qprobe-test-key";
    private static final String SESSION = UUID.randomUUID().toString();
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(UTF_8);
    private static final Gson GSON = new Gson();

    @TempDir
    static Path dir;
    private static Thread kernel;
    private static ZContext zmq;
    private static ZMQ.Socket shell;
    private static ZMQ.Socket control;
    private static ZMQ.Socket iopub;
    private static ZMQ.Socket stdin;
    /** Whether the kernel answered kernel_info while its engine had not started. */
    private static boolean answeredBeforeTheEngine;
    /** Iopub messages read while waiting for others. */
    private static final List<JsonObject[]> published = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("transport", "tcp");
        connection.put("ip", "127.0.0.1");
        for (String port : List.of("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")) {
            connection.put(port, freePort());
        }
        connection.put("key", KEY);
        connection.put("signature_scheme", "hmac-sha256");
        connection.put("kernel_name", "qprobe");
        Path file = dir.resolve("kernel-test.json");
        Files.writeString(file, GSON.toJson(connection));

        var properties = KernelMain.readConnectionFile(file);
        List<Runnable> heldStart = new java.util.concurrent.CopyOnWriteArrayList<>();
        JShellEvaluator evaluator = JShellEvaluator.withDsl(heldStart::add, "-Xmx256m");
        kernel = new Thread(() -> {
            try {
                KernelMain.run(properties, evaluator);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "kernel-under-test");
        kernel.start();

        zmq = new ZContext();
        // The kernel routes input requests to the front end by its identity, which shell and stdin share.
        byte[] identity = SESSION.getBytes(UTF_8);
        shell = zmq.createSocket(SocketType.DEALER);
        shell.setIdentity(identity);
        shell.connect("tcp://127.0.0.1:" + connection.get("shell_port"));
        stdin = zmq.createSocket(SocketType.DEALER);
        stdin.setIdentity(identity);
        stdin.connect("tcp://127.0.0.1:" + connection.get("stdin_port"));
        control = zmq.createSocket(SocketType.DEALER);
        control.connect("tcp://127.0.0.1:" + connection.get("control_port"));
        iopub = zmq.createSocket(SocketType.SUB);
        iopub.subscribe(new byte[0]);
        iopub.connect("tcp://127.0.0.1:" + connection.get("iopub_port"));
        // The kernel may not listen yet, and a SUB socket misses what is sent before it joins:
        // ask until the reply's idle status arrives on iopub.
        boolean answered = false;
        for (int attempt = 0; attempt < 100 && !answered; attempt++) {
            String id = send(shell, "kernel_info_request", Map.of());
            answered = reply(shell, 500) != null && iopubUntilIdle(id, 500) != null;
        }
        if (!answered) {
            throw new IllegalStateException("the kernel did not answer");
        }
        // The one start there is has not run yet, so no engine exists: the kernel answered without one.
        answeredBeforeTheEngine = heldStart.size() == 1;
        heldStart.forEach(start -> new Thread(start, "held-engine-start").start());
        // The first cell waits for the engine's start; later tests time their own requests.
        String first = execute("1");
        if (replyTo(shell, first, 60_000) == null || iopubUntilIdle(first, 5000) == null) {
            throw new IllegalStateException("the first cell did not run");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @AfterAll
    static void shutdown() throws Exception {
        try {
            send(control, "shutdown_request", Map.of("restart", false));
            JsonObject[] r = reply(control, 10_000);
            assertNotNull(r, "no shutdown_reply");
            assertEquals("shutdown_reply", r[0].get("msg_type").getAsString());
            kernel.join(10_000);
            assertFalse(kernel.isAlive(), "the kernel still runs after shutdown_request");
        } finally {
            zmq.close();
        }
    }

    // ---- the client ----

    private static String sign(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.getBytes(UTF_8), "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject header(String id, String type) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", id);
        h.addProperty("username", "test");
        h.addProperty("session", SESSION);
        h.addProperty("date", Instant.now().toString());
        h.addProperty("msg_type", type);
        h.addProperty("version", "5.3");
        return h;
    }

    /** Sends frames after the delimiter: signature, header, parent header, metadata, content. */
    private static void sendFrames(ZMQ.Socket socket, String signature, String header, String content) {
        socket.sendMore(DELIMITER);
        socket.sendMore(signature);
        socket.sendMore(header);
        socket.sendMore("{}");
        socket.sendMore("{}");
        socket.send(content);
    }

    private static void sendSigned(ZMQ.Socket socket, String header, String content) {
        sendFrames(socket, sign(header.getBytes(UTF_8), "{}".getBytes(UTF_8), "{}".getBytes(UTF_8),
                content.getBytes(UTF_8)), header, content);
    }

    /** Sends a signed request; returns its msg_id. */
    private static String send(ZMQ.Socket socket, String type, Map<String, Object> content) {
        String id = UUID.randomUUID().toString();
        sendSigned(socket, header(id, type).toString(), GSON.toJson(content));
        return id;
    }

    private static String execute(String code) {
        return execute(code, false, true);
    }

    private static String execute(String code, boolean allowStdin, boolean storeHistory) {
        return send(shell, "execute_request", Map.of("code", code, "silent", false, "store_history", storeHistory,
                "user_expressions", Map.of(), "allow_stdin", allowStdin, "stop_on_error", true));
    }

    /** Answers an input_request, as the front end's user would; without a parent header if {@code inputRequest} is null. */
    private static void answer(JsonObject[] inputRequest, String value) {
        String header = header(UUID.randomUUID().toString(), "input_reply").toString();
        String parent = inputRequest == null ? "{}" : inputRequest[0].toString();
        String content = GSON.toJson(Map.of("value", value));
        stdin.sendMore(DELIMITER);
        stdin.sendMore(sign(header.getBytes(UTF_8), parent.getBytes(UTF_8), "{}".getBytes(UTF_8),
                content.getBytes(UTF_8)));
        stdin.sendMore(header);
        stdin.sendMore(parent);
        stdin.sendMore("{}");
        stdin.send(content);
    }

    /** The history_reply's entries for a request with {@code content}. */
    private static JsonArray history(Map<String, Object> content) {
        String id = send(shell, "history_request", content);
        JsonObject[] r = replyTo(shell, id, 10_000);
        assertNotNull(r, "no history_reply");
        assertEquals("history_reply", r[0].get("msg_type").getAsString());
        return r[2].getAsJsonArray("history");
    }

    /** Runs {@code code} to its reply; returns its execution count. */
    private static int executed(String code, boolean storeHistory) {
        String id = execute(code, false, storeHistory);
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r, "no execute_reply to " + code);
        assertNotNull(iopubUntilIdle(id, 5000));
        return r[2].get("execution_count").getAsInt();
    }

    /** The next message on {@code socket} as header, parent header, content; null after {@code millis}. */
    private static JsonObject[] reply(ZMQ.Socket socket, int millis) {
        socket.setReceiveTimeOut(millis);
        List<byte[]> frames = new ArrayList<>();
        byte[] frame = socket.recv();
        if (frame == null) {
            return null;
        }
        frames.add(frame);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        int d = 0;
        while (!java.util.Arrays.equals(DELIMITER, frames.get(d))) {
            d++;
        }
        assertEquals(sign(frames.get(d + 2), frames.get(d + 3), frames.get(d + 4), frames.get(d + 5)),
                new String(frames.get(d + 1), UTF_8), "the kernel's signature");
        return new JsonObject[] {json(frames.get(d + 2)), json(frames.get(d + 3)), json(frames.get(d + 5))};
    }

    private static JsonObject json(byte[] bytes) {
        return JsonParser.parseString(new String(bytes, UTF_8)).getAsJsonObject();
    }

    /** The reply to {@code id}, skipping any stale ones. */
    private static JsonObject[] replyTo(ZMQ.Socket socket, String id, int millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            JsonObject[] r = reply(socket, (int) Math.max(1, deadline - System.currentTimeMillis()));
            if (r != null && isReplyTo(r, id)) {
                return r;
            }
        }
        return null;
    }

    private static boolean isReplyTo(JsonObject[] message, String id) {
        JsonElement parent = message[1].get("msg_id");
        return parent != null && parent.getAsString().equals(id);
    }

    /** Iopub messages for request {@code id} up to its idle status; null if that status does not come in time. */
    private static List<JsonObject[]> iopubUntilIdle(String id, int millis) {
        long deadline = System.currentTimeMillis() + millis;
        List<JsonObject[]> mine = new ArrayList<>();
        published.removeIf(m -> isReplyTo(m, id) && mine.add(m));
        while (true) {
            for (JsonObject[] m : mine) {
                if (m[0].get("msg_type").getAsString().equals("status")
                        && m[2].get("execution_state").getAsString().equals("idle")) {
                    return mine;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            JsonObject[] m = reply(iopub, (int) left);
            if (m != null) {
                (isReplyTo(m, id) ? mine : published).add(m);
            }
        }
    }

    private static List<JsonObject> ofType(List<JsonObject[]> messages, String type) {
        return messages.stream().filter(m -> m[0].get("msg_type").getAsString().equals(type)).map(m -> m[2])
                .toList();
    }

    // ---- the tests ----

    @Test
    void kernelInfoNamesJavaAndQProbe() {
        String id = send(shell, "kernel_info_request", Map.of());
        JsonObject[] r = replyTo(shell, id, 5000);
        assertNotNull(r);
        assertEquals("kernel_info_reply", r[0].get("msg_type").getAsString());
        JsonObject info = r[2].getAsJsonObject("language_info");
        assertEquals("java", info.get("name").getAsString());
        assertEquals(String.valueOf(Runtime.version().feature()), info.get("version").getAsString());
        assertEquals("text/x-java-source", info.get("mimetype").getAsString());
        assertEquals(".jshell", info.get("file_extension").getAsString());
        assertEquals("5.3", r[2].get("protocol_version").getAsString());
        String banner = r[2].get("banner").getAsString();
        assertTrue(banner.contains("Q-probe") && banner.contains(Version.get()), banner);
    }

    @Test
    void executeStreamsOutputAndPublishesTheValue() {
        String id = execute("System.out.println(\"hi\"); 1 + 1");
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r, "no execute_reply");
        assertEquals("execute_reply", r[0].get("msg_type").getAsString());
        assertEquals("ok", r[2].get("status").getAsString());
        List<JsonObject[]> io = iopubUntilIdle(id, 5000);
        assertNotNull(io);
        List<JsonObject> streams = ofType(io, "stream");
        assertEquals("stdout", streams.get(0).get("name").getAsString());
        assertEquals("hi\n", streams.stream().map(s -> s.get("text").getAsString()).reduce("", String::concat));
        JsonObject result = ofType(io, "execute_result").get(0);
        assertEquals("2", result.getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(r[2].get("execution_count").getAsInt(), result.get("execution_count").getAsInt());
        assertEquals(1, ofType(io, "execute_input").size());
    }

    @Test
    void outputsPublishedWhileACellRunsAreDisplayUpdateAndClearMessages() {
        String id = execute("""
                System.out.println("a");
                var h = display("one");
                h.update("two");
                clearOutput(false);
                clearOutput(true);
                System.out.println("b");
                h
                """);
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r, "no execute_reply");
        assertEquals("ok", r[2].get("status").getAsString(), r[2]::toString);
        List<JsonObject[]> io = iopubUntilIdle(id, 5000);
        assertNotNull(io);
        List<String> order = new ArrayList<>();
        for (JsonObject[] m : io) {
            String type = m[0].get("msg_type").getAsString();
            if (type.equals("stream")) {
                order.add(m[2].get("text").getAsString().strip());
            } else if (!type.equals("status") && !type.equals("execute_input")) {
                order.add(type);
            }
        }
        assertEquals(List.of("a", "display_data", "update_display_data", "clear_output", "clear_output", "b"), order,
                "in the order the cell ran, and the handle as the cell's value adds no execute_result");
        JsonObject shown = ofType(io, "display_data").get(0);
        JsonObject updated = ofType(io, "update_display_data").get(0);
        String displayId = shown.getAsJsonObject("transient").get("display_id").getAsString();
        assertFalse(displayId.isBlank());
        assertEquals(displayId, updated.getAsJsonObject("transient").get("display_id").getAsString());
        assertEquals("one", shown.getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("two", updated.getAsJsonObject("data").get("text/plain").getAsString());
        assertTrue(shown.has("metadata") && updated.has("metadata"), "the spec requires metadata: " + shown);
        List<JsonObject> clears = ofType(io, "clear_output");
        assertFalse(clears.get(0).get("wait").getAsBoolean());
        assertTrue(clears.get(1).get("wait").getAsBoolean());
    }

    @Test
    void aFailingCellPublishesAnErrorAndRepliesWithIt() {
        String id = execute("throw new IllegalStateException(\"boom\");");
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r);
        assertEquals("error", r[2].get("status").getAsString());
        assertEquals("java.lang.IllegalStateException", r[2].get("ename").getAsString());
        assertEquals("boom", r[2].get("evalue").getAsString());
        JsonObject error = ofType(iopubUntilIdle(id, 5000), "error").get(0);
        assertEquals("java.lang.IllegalStateException", error.get("ename").getAsString());
        JsonArray trace = error.getAsJsonArray("traceback");
        assertTrue(trace.size() > 0 && trace.get(0).getAsString().contains("boom"), trace::toString);

        String compile = execute("int x = \"text\";");
        JsonObject[] c = replyTo(shell, compile, 20_000);
        assertEquals("error", c[2].get("status").getAsString());
        assertEquals("CompilationError", c[2].get("ename").getAsString());
    }

    @Test
    void completeAndIsComplete() {
        String id = send(shell, "complete_request", Map.of("code", "Stri", "cursor_pos", 4));
        JsonObject[] r = replyTo(shell, id, 10_000);
        assertNotNull(r);
        assertEquals("ok", r[2].get("status").getAsString());
        assertTrue(r[2].getAsJsonArray("matches").toString().contains("\"String\""), r[2]::toString);
        assertEquals(0, r[2].get("cursor_start").getAsInt());
        assertEquals(4, r[2].get("cursor_end").getAsInt());

        String complete = send(shell, "is_complete_request", Map.of("code", "int x = 1;"));
        assertEquals("complete", replyTo(shell, complete, 5000)[2].get("status").getAsString());
        String incomplete = send(shell, "is_complete_request", Map.of("code", "void f() {"));
        assertEquals("incomplete", replyTo(shell, incomplete, 5000)[2].get("status").getAsString());

        String inspect = send(shell, "inspect_request", Map.of("code", "Math.max(1, 2)", "cursor_pos", 6,
                "detail_level", 0));
        JsonObject[] i = replyTo(shell, inspect, 10_000);
        assertTrue(i[2].get("found").getAsBoolean(), i[2]::toString);
        assertTrue(i[2].getAsJsonObject("data").get("text/plain").getAsString().contains("max"));
    }

    @Test
    void forgedAndUnsignedMessagesAreNotRun() {
        String forged = UUID.randomUUID().toString();
        String header = header(forged, "execute_request").toString();
        String content = GSON.toJson(Map.of("code", "System.out.println(\"forged\"); String forged = \"ran\";",
                "silent", false));
        sendFrames(shell, sign("tampered".getBytes(UTF_8)), header, content);
        String unsigned = UUID.randomUUID().toString();
        sendFrames(shell, "", header(unsigned, "execute_request").toString(), content);
        assertNull(replyTo(shell, forged, 1000), "a forged request got a reply");
        assertNull(replyTo(shell, unsigned, 200), "an unsigned request got a reply");
        assertNull(iopubUntilIdle(forged, 200));
        assertTrue(published.stream().noneMatch(m -> isReplyTo(m, forged) || isReplyTo(m, unsigned)));

        // The kernel still works, and neither cell ran: `forged` is not defined.
        String check = execute("forged");
        JsonObject[] r = replyTo(shell, check, 20_000);
        assertNotNull(r);
        assertEquals("CompilationError", r[2].get("ename").getAsString());
        assertTrue(ofType(iopubUntilIdle(check, 5000), "stream").isEmpty());
    }

    @Test
    void malformedMessagesDoNotStopTheKernel() {
        String badJson = UUID.randomUUID().toString();
        sendSigned(shell, header(badJson, "execute_request").toString(), "{\"code\": ");
        JsonObject noUser = header(UUID.randomUUID().toString(), "kernel_info_request");
        noUser.remove("username");
        sendSigned(shell, noUser.toString(), "{}");
        sendSigned(shell, "[1, 2]", "{}");
        sendSigned(shell, header(UUID.randomUUID().toString(), "no_such_request").toString(), "{}");
        sendSigned(shell, header(UUID.randomUUID().toString(), "execute_request").toString(), "\"text\"");
        shell.sendMore(DELIMITER);
        shell.send("too few frames");
        shell.send("no delimiter at all");

        String id = execute("40 + 2");
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r, "the kernel stopped answering");
        assertEquals("ok", r[2].get("status").getAsString());
        assertEquals("42", ofType(iopubUntilIdle(id, 5000), "execute_result").get(0).getAsJsonObject("data")
                .get("text/plain").getAsString());
    }

    @Test
    void interruptStopsTheRunningCell() throws InterruptedException {
        String id = execute("Thread.sleep(60_000);");
        Thread.sleep(500); // let the cell start
        String interrupt = send(control, "interrupt_request", Map.of());
        assertNotNull(replyTo(control, interrupt, 15_000), "no interrupt_reply");
        JsonObject[] r = replyTo(shell, id, 15_000);
        assertNotNull(r);
        assertEquals("error", r[2].get("status").getAsString());
        assertEquals("Interrupted", r[2].get("ename").getAsString());
    }

    @Test
    void kernelInfoDoesNotWaitForTheEngine() {
        assertTrue(answeredBeforeTheEngine, "kernel_info_reply came only once the engine had started");
    }

    @Test
    void historyAnswersTailRangeAndSearch() {
        int first = executed("int hist = 21;", true);
        int second = executed("hist * 2", true);
        executed("hist + 1000", false); // does not store history, nor count
        int third = executed("hist * 2", true);
        assertEquals(List.of(first + 1, first + 2), List.of(second, third), "a cell without history did not count");

        JsonArray tail = history(Map.of("hist_access_type", "tail", "n", 3, "output", false, "raw", true));
        assertEquals(3, tail.size());
        assertEquals("[1," + first + ",\"int hist = 21;\"]", tail.get(0).toString());
        assertEquals("[1," + second + ",\"hist * 2\"]", tail.get(1).toString());
        assertEquals(third, tail.get(2).getAsJsonArray().get(1).getAsInt());

        JsonArray withOutput = history(Map.of("hist_access_type", "tail", "n", 1, "output", true, "raw", true));
        assertEquals("[1," + third + ",[\"hist * 2\",\"42\"]]", withOutput.get(0).toString());

        JsonArray range = history(Map.of("hist_access_type", "range", "session", 0, "start", second,
                "stop", third + 1, "output", false, "raw", true));
        assertEquals(2, range.size());
        assertEquals(second, range.get(0).getAsJsonArray().get(1).getAsInt());
        assertEquals(third, range.get(1).getAsJsonArray().get(1).getAsInt());

        JsonArray search = history(Map.of("hist_access_type", "search", "pattern", "hist ?*", "output", false,
                "raw", true));
        assertEquals(List.of(second, third), numbers(search), "inputs matching the glob");
        JsonArray unique = history(Map.of("hist_access_type", "search", "pattern", "hist ?*", "unique", true,
                "output", false, "raw", true));
        assertEquals(List.of(third), numbers(unique));
        JsonArray lastOne = history(Map.of("hist_access_type", "search", "pattern", "*hist*", "n", 1,
                "output", false, "raw", true));
        assertEquals(List.of(third), numbers(lastOne));
    }

    private static List<Integer> numbers(JsonArray entries) {
        List<Integer> numbers = new ArrayList<>();
        entries.forEach(e -> numbers.add(e.getAsJsonArray().get(1).getAsInt()));
        return numbers;
    }

    @Test
    void aCellReadingSystemInAsksTheFrontEnd() {
        String id = execute("var in = new java.util.Scanner(System.in);\nin.nextLine().toUpperCase() + in.nextLine()",
                true, true);
        JsonObject[] question = replyTo(stdin, id, 30_000);
        assertNotNull(question, "no input_request");
        assertEquals("input_request", question[0].get("msg_type").getAsString());
        assertEquals("", question[2].get("prompt").getAsString());
        assertFalse(question[2].get("password").getAsBoolean());
        answer(question, "h\u00e9llo");
        JsonObject[] again = replyTo(stdin, id, 30_000);
        assertNotNull(again, "no second input_request for the second line");
        answer(null, "!"); // as jupyter_client's input() does
        JsonObject[] r = replyTo(shell, id, 30_000);
        assertNotNull(r);
        assertEquals("ok", r[2].get("status").getAsString(), r[2]::toString);
        assertEquals("H\u00c9LLO!", ofType(iopubUntilIdle(id, 5000), "execute_result").get(0).getAsJsonObject("data")
                .get("text/plain").getAsString());
    }

    @Test
    void withoutAllowStdinSystemInIsAtItsEndAndStderrSaysWhy() {
        String id = execute("System.in.read()", false, true);
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertNotNull(r);
        assertNull(reply(stdin, 200), "no input_request when the front end does not allow one");
        List<JsonObject[]> io = iopubUntilIdle(id, 5000);
        assertEquals("-1", ofType(io, "execute_result").get(0).getAsJsonObject("data").get("text/plain")
                .getAsString());
        String stderr = ofType(io, "stream").stream().filter(m -> m.get("name").getAsString().equals("stderr"))
                .map(m -> m.get("text").getAsString()).reduce("", String::concat);
        assertTrue(stderr.contains("allow_stdin is false"), stderr);
    }

    @Test
    void anInterruptWhileWaitingForInputStopsTheCellAndALateAnswerIsDropped() {
        String id = execute("String typed = new java.util.Scanner(System.in).nextLine();\nSystem.out.println(\"never\");",
                true, true);
        JsonObject[] question = replyTo(stdin, id, 30_000);
        assertNotNull(question, "no input_request");
        String interrupt = send(control, "interrupt_request", Map.of());
        assertNotNull(replyTo(control, interrupt, 15_000), "no interrupt_reply");
        JsonObject[] r = replyTo(shell, id, 15_000);
        assertNotNull(r);
        assertEquals("Interrupted", r[2].get("ename").getAsString(), r[2]::toString);
        assertTrue(ofType(iopubUntilIdle(id, 5000), "stream").stream()
                .noneMatch(m -> m.get("text").getAsString().contains("never")));

        answer(question, "too late");
        String next = execute("new java.util.Scanner(System.in).nextLine()", true, true);
        JsonObject[] nextQuestion = replyTo(stdin, next, 30_000);
        assertNotNull(nextQuestion, "no input_request after the interrupt");
        answer(nextQuestion, "on time");
        assertNotNull(replyTo(shell, next, 20_000));
        assertEquals("on time", ofType(iopubUntilIdle(next, 5000), "execute_result").get(0).getAsJsonObject("data")
                .get("text/plain").getAsString());
    }

    @Test
    void magicsRunInTheKernel() {
        String id = execute("%lsmagic\n6 * 7");
        JsonObject[] r = replyTo(shell, id, 20_000);
        assertEquals("ok", r[2].get("status").getAsString(), r[2]::toString);
        List<JsonObject[]> io = iopubUntilIdle(id, 5000);
        String stdout = ofType(io, "stream").stream().map(m -> m.get("text").getAsString()).reduce("", String::concat);
        assertTrue(stdout.contains("%%time") && stdout.contains("%classpath"), stdout);
        assertEquals("42", ofType(io, "execute_result").get(0).getAsJsonObject("data").get("text/plain").getAsString());

        String bad = execute("%pip install numpy");
        JsonObject[] e = replyTo(shell, bad, 20_000);
        assertEquals("error", e[2].get("status").getAsString());
        assertEquals("MagicError", e[2].get("ename").getAsString());
        assertTrue(e[2].get("evalue").getAsString().contains("%lsmagic"), e[2]::toString);
    }
}
