#!/usr/bin/python3
"""Latency of Java Jupyter kernels, as a client sees it: start-up, trivial-cell round trip, and
the cost of rendering a 1,000-row Tablesaw table and a Q-probe chart.

Command (from the repository root; kernelspecs installed under a private prefix):

    mvn -B -q -DskipTests package
    src/bin/qprobe kernel install --prefix /tmp/bench/jp --name qprobe
    kernel/bench/install_jjava.sh /tmp/bench/jjava /tmp/bench/jp   # optional: JJava to compare
    JUPYTER_PATH=/tmp/bench/jp/share/jupyter /usr/bin/python3 kernel/bench/kernel_latency.py \\
        --kernel qprobe --kernel jjava --kernel jjava-dsl --runs 100 --json /tmp/bench/kernel_latency.json

`--kernel` names a kernelspec (repeat it to compare kernels in one run); install_jjava.sh says
how to get a JJava checkout and what jjava-dsl is. Jupyter's Python tools are Debian's here,
hence /usr/bin/python3 (jupyter_client and pyzmq). About 5 minutes for three kernels on 2 cores.

What is measured, per kernel (all times are wall clock on the client, in milliseconds):

* start -> kernel_info_reply: from just before the kernel process is launched until the reply to
  a kernel_info_request sent straight after the launch (ZeroMQ queues it until the kernel
  binds). Median over `--starts` fresh kernel processes.
* start -> first `1 + 1`: the same clock, until the execute_reply *and* the iopub `idle` of a
  `1 + 1` cell sent as soon as kernel_info_reply arrived (what a notebook does). A kernel that
  answers kernel_info before its engine is up pays the difference here.
* round trip: execute_request sent -> execute_reply received with its iopub `idle` (whichever
  comes last), for a trivial cell (`1 + 1`), `--runs` times after `--warmup` runs; median and
  p95 (nearest rank).
* interrupt: a cell running a busy loop is interrupted (jupyter_client's interrupt_kernel, as
  the stop button does) after a second; the time from the interrupt to the loop's execute_reply,
  median of `--interrupts`; a `1 + 1` cell after each checks that the kernel still works.
* render cells, `--render-runs` times each after one cold run (reported separately, it pays for
  class loading): building a 1,000-row Table and returning it as the cell's value, the same
  returning only `t.rowCount()` (so the difference is the display cost), a Chart made with
  dev.qprobe.report.Charts.lines returned as the value, and the same chart's `.image()` (a
  BufferedImage, which plain JJava renders as PNG). The MIME types of each cell's result are
  reported, since kernels render the same value differently.

* output (`--parts output`): cells that print a lot, read by this script's jupyter_client
  Session on its own iopub socket: 10,000 `println` lines (lines/s = lines received / time from
  the request to the cell's idle), a 5 MB cell (below our 10 MB output limit, so every kernel
  shows all of it; MB/s the same way: printed = bytes the cell wrote, shown = bytes that reached
  the reader) and a 50 MB cell (what arrived, and whether the idle did).
  Each `--output-runs` times. A kernel whose idle never comes is timed to its last message and
  marked "no idle".

A kernel that does not have Tablesaw and Q-probe on its class path (plain JJava) gets them with
a `%classpath` cell first (not timed): the jars listed in `--classpath-file` (default: the
launcher's cli/target/runtime-classpath.txt, so run `mvn package` first). If that fails, the
render cells are skipped for that kernel and the reason is printed.

Kernels are measured interleaved (start i of each, then run i of each cell on each), so a busy
moment on the machine does not fall on one kernel only.

Every cell's reply is checked (status ok, and `1 + 1` must show 2), so errors are never timed as
successes. The kernels' own stdout/stderr go to a temporary log, whose tail is printed if a kernel
fails.
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

TRIVIAL = "1 + 1"
# A loop that never ends by itself; the interrupt measurement stops it.
BUSY = "for (long n = 0; ; n++) { }"
INTERRUPT_PATIENCE = 10.0
ROWS = 1000
TABLE_BUILD = (
    "var benchTable = tech.tablesaw.api.Table.create(\"bench\",\n"
    "    tech.tablesaw.api.IntColumn.create(\"i\", java.util.stream.IntStream.range(0, {n}).toArray()),\n"
    "    tech.tablesaw.api.DoubleColumn.create(\"x\",\n"
    "        java.util.stream.IntStream.range(0, {n}).mapToDouble(i -> i * 0.5).toArray()),\n"
    "    tech.tablesaw.api.StringColumn.create(\"s\",\n"
    "        java.util.stream.IntStream.range(0, {n}).mapToObj(i -> \"row \" + i).toArray(String[]::new)));\n"
)
CHART_BUILD = (
    "var benchChart = dev.qprobe.report.Charts.lines(\"bench\", \"x\", \"sin(x / 10)\",\n"
    "    java.util.Map.of(\"sin\", java.util.stream.IntStream.range(0, 100)\n"
    "        .mapToObj(i -> dev.qprobe.report.Point.of(i, Math.sin(i / 10.0))).toList()));\n"
)
# Loads nothing heavy: a compile error here means Tablesaw or Q-probe is not on the class path.
CLASSPATH_PROBE = "tech.tablesaw.api.Table.class.getName() + \" \" + dev.qprobe.report.Charts.class.getName()"


LINES = 10_000
LINES_CELL = "for (int i = 0; i < %d; i++) System.out.println(\"line \" + i);" % LINES
# 1 KiB lines; {n} of them.
BULK_CELL = ("String benchPad = \"x\".repeat(1014);\n"
             "for (int i = 0; i < {n}; i++) System.out.print(String.format(\"%08d \", i) + benchPad + \"\\n\");")
OUTPUT_CELLS = [
    ("lines_10k", "10,000 println lines", LINES_CELL, sum(len("line %d\n" % i) for i in range(LINES))),
    ("bulk_5mb", "5 MB in 1 KiB lines", BULK_CELL.format(n=5 * 1024), 5 * 1024 * 1024),
    ("bulk_50mb", "50 MB in 1 KiB lines", BULK_CELL.format(n=50 * 1024), 50 * 1024 * 1024),
]
# After the reply, how long to wait for a missing idle (or more output) before calling it lost.
LOST_IDLE_PATIENCE = 10.0


def render_cells(rows):
    build = TABLE_BUILD.format(n=rows)
    return [
        ("table_value", "%s-row Table as the value" % f"{rows:,}", build + "benchTable"),
        ("table_rowcount", "same, t.rowCount() as the value", build + "benchTable.rowCount()"),
        ("chart_value", "Chart as the value", CHART_BUILD + "benchChart"),
        ("chart_image", "same chart's .image() (BufferedImage)", CHART_BUILD + "benchChart.image()"),
    ]


class CellFailed(Exception):
    pass


class Kernel:
    """One kernel process, launched by jupyter_client's KernelManager, and our own plain ZeroMQ
    shell and iopub sockets, polled together so that each message is timestamped when it arrives
    (not when a blocking client gets round to reading it, and the same on every jupyter_client)."""

    def __init__(self, name, log):
        self.name = name
        self.log = log
        self.km = KernelManager(kernel_name=name)
        self.context = zmq.Context()
        self.sockets = []

    def start(self):
        """Launches the kernel; returns the perf_counter time just before the launch."""
        t0 = time.perf_counter()
        self.km.start_kernel(stdout=self.log, stderr=self.log)
        self.session = self.km.session
        info = self.km.get_connection_info()
        url = "%s://%s:%%d" % (info["transport"], info["ip"])
        self.shell = self.context.socket(zmq.DEALER)
        self.shell.setsockopt(zmq.IDENTITY, self.session.bsession)
        self.iopub = self.context.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        for socket, port in ((self.shell, info["shell_port"]), (self.iopub, info["iopub_port"])):
            # The kernel binds a while after launch; retry often so we connect soon after it does.
            socket.setsockopt(zmq.RECONNECT_IVL, 10)
            socket.setsockopt(zmq.LINGER, 0)
            socket.connect(url % port)
            self.sockets.append(socket)
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)
        return t0

    def _send(self, msg_type, content):
        return self.session.send(self.shell, msg_type, content)["header"]["msg_id"]

    def _drain(self, deadline, want):
        """Reads shell and iopub messages until `want(socket, msg, now)` returns True; returns
        False if the deadline passed first."""
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            events = dict(self.poller.poll(timeout=min(left, 0.5) * 1000))
            now = time.perf_counter()
            if not events and not self.km.is_alive():
                raise CellFailed("kernel %s: its process exited" % self.name)
            for socket in (self.shell, self.iopub):
                if socket in events:
                    while True:
                        _, msg = self.session.recv(socket, mode=zmq.NOBLOCK)
                        if msg is None:
                            break
                        if want(socket, msg, now):
                            return True

    def kernel_info(self, timeout):
        """Sends kernel_info_request; returns (reply content, arrival time)."""
        msg_id = self._send("kernel_info_request", {})
        got = {}

        def want(socket, msg, now):
            if socket is self.shell and msg["parent_header"].get("msg_id") == msg_id:
                got["reply"], got["t"] = msg["content"], now
                return True
            return False

        if not self._drain(time.perf_counter() + timeout, want):
            raise TimeoutError("kernel %s: no kernel_info_reply in %.0f s" % (self.name, timeout))
        return got["reply"], got["t"]

    def execute(self, code, timeout, idle_grace=None):
        """Runs a cell; returns (sent, done, execute_result MIME bundle or None) where done is
        when both execute_reply and the iopub idle for it have arrived. With idle_grace, an idle
        still missing that many seconds after the reply is forgiven (done = the reply): right
        after start-up the iopub subscription may not have reached the kernel yet."""
        sent = time.perf_counter()
        msg_id = self._send("execute_request", {"code": code, "silent": False, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        state = {"reply": None, "idle": None, "data": None, "error": None}

        def want(socket, msg, now):
            if msg["parent_header"].get("msg_id") != msg_id:
                return False
            kind = msg["header"]["msg_type"]
            if socket is self.shell and kind == "execute_reply":
                state["reply"] = (msg["content"], now)
            elif kind in ("execute_result", "display_data"):
                state["data"] = msg["content"]["data"]
            elif kind == "error":
                state["error"] = "%s: %s" % (msg["content"].get("ename"), msg["content"].get("evalue"))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                state["idle"] = now
            return state["reply"] is not None and (state["idle"] is not None or idle_grace is not None)

        if not self._drain(sent + timeout, want):
            raise TimeoutError("kernel %s: no execute_reply and idle in %.0f s for\n%s" % (self.name, timeout, code))
        content, replied = state["reply"]
        if state["idle"] is None:
            self._drain(replied + idle_grace, lambda socket, msg, now: want(socket, msg, now) and state["idle"])
            if state["idle"] is None:
                print("   (no iopub idle within %.0f s of the reply: timed to the reply)" % idle_grace,
                      file=sys.stderr)
        if content.get("status") != "ok":
            raise CellFailed("kernel %s: cell failed (%s): %s\n%s" % (
                self.name, content.get("status"), state["error"] or content.get("evalue"), code))
        return sent, max(replied, state["idle"] or replied), state["data"]

    def execute_output(self, code, timeout):
        """Runs a cell that prints; never raises for lost output. Returns a dict: seconds from
        the request to the idle (or to the last message when the idle never came), stream
        messages, characters and lines of stdout received, whether the idle and an output-limit
        notice came, and the reply's status."""
        sent = time.perf_counter()
        msg_id = self._send("execute_request", {"code": code, "silent": False, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        got = {"messages": 0, "chars": 0, "lines": 0, "idle": None, "reply": None, "last": sent,
               "notice": False, "status": None}

        def want(socket, msg, now):
            if msg["parent_header"].get("msg_id") != msg_id:
                return False
            got["last"] = now
            kind = msg["header"]["msg_type"]
            if socket is self.shell and kind == "execute_reply":
                got["reply"], got["status"] = now, msg["content"].get("status")
            elif kind == "stream":
                got["messages"] += 1
                text = msg["content"]["text"]
                if msg["content"]["name"] == "stdout":
                    got["chars"] += len(text)
                    got["lines"] += text.count("\n")
                elif "[output limit]" in text:
                    got["notice"] = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                got["idle"] = now
            return got["reply"] is not None and got["idle"] is not None

        deadline = sent + timeout

        def limit():
            return deadline if got["reply"] is None else min(deadline, got["last"] + LOST_IDLE_PATIENCE)

        while not self._drain(limit(), want):
            if time.perf_counter() >= limit():
                break
        end = got["idle"] if got["idle"] is not None else got["last"]
        return {"seconds": end - sent, "messages": got["messages"], "chars": got["chars"], "lines": got["lines"],
                "idle": got["idle"] is not None, "reply": got["status"], "notice": got["notice"]}

    def interrupt(self, timeout):
        """Runs a busy loop, interrupts it (as the front end's stop button does) after a second;
        returns the seconds from the interrupt to the loop's execute_reply, or None if it did not
        come within `timeout`."""
        msg_id = self._send("execute_request", {"code": BUSY, "silent": False, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        self._drain(time.perf_counter() + 1.0, lambda socket, msg, now: False)
        interrupted = time.perf_counter()
        self.km.interrupt_kernel()
        got = {}

        def want(socket, msg, now):
            if (socket is self.shell and msg["parent_header"].get("msg_id") == msg_id
                    and msg["header"]["msg_type"] == "execute_reply"):
                got["t"] = now
                return True
            return False

        return got["t"] - interrupted if self._drain(interrupted + timeout, want) else None

    def stop(self):
        for socket in self.sockets:
            socket.close()
        self.context.term()
        try:
            self.km.shutdown_kernel(now=False)
        except Exception:
            self.km.shutdown_kernel(now=True)


def ms(seconds):
    return seconds * 1000.0


def kib(size):
    return "%d B" % size if size < 1024 else "%.0f KiB" % (size / 1024)


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def check_two(data, kernel):
    text = (data or {}).get("text/plain", "")
    if text.strip() != "2":
        raise CellFailed("kernel %s: `1 + 1` showed %r, expected 2" % (kernel, text))


def tail(path, lines=40):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-lines:])


def measure_start(name, log, timeout):
    """One fresh kernel: start -> kernel_info_reply and start -> first `1 + 1`. Returns the kernel
    still running, and the two times in ms."""
    kernel = Kernel(name, log)
    t0 = kernel.start()
    try:
        info, t_info = kernel.kernel_info(timeout)
        _, done, data = kernel.execute(TRIVIAL, timeout, idle_grace=2.0)
        check_two(data, name)
    except BaseException:
        kernel.stop()
        raise
    return kernel, info, ms(t_info - t0), ms(done - t0)


def ensure_classpath(kernel, classpath_file, timeout):
    """Makes Tablesaw and Q-probe available in the kernel; returns None or why it cannot."""
    try:
        kernel.execute(CLASSPATH_PROBE, timeout)
        return None
    except CellFailed:
        pass
    if not classpath_file or not os.path.isfile(classpath_file):
        return "Tablesaw/Q-probe not on the kernel's class path and no classpath file %s" % classpath_file
    with open(classpath_file) as f:
        jars = [p for p in f.read().strip().split(os.pathsep) if p]
    dsl_jar = os.path.join(REPO_ROOT, "dsl", "target")
    jars += sorted(os.path.join(dsl_jar, f) for f in os.listdir(dsl_jar)
                   if f.startswith("qprobe-dsl-") and f.endswith(".jar")) if os.path.isdir(dsl_jar) else []
    try:
        kernel.execute("%classpath " + " ".join(dict.fromkeys(jars)), timeout)
        kernel.execute(CLASSPATH_PROBE, timeout)
        return None
    except CellFailed as e:
        return "adding the jars with %%classpath failed: %s" % str(e).splitlines()[0]


def bench(names, args, logs):
    """Measures every kernel, interleaved: the i-th start of each kernel, then the i-th run of
    each cell on each kernel, in turn, so that load from elsewhere on the machine falls on all
    kernels alike instead of on whichever ran during a busy minute."""
    results = {name: {"kernel": name, "start_to_kernel_info_ms": [], "start_to_first_cell_ms": []}
               for name in names}
    kernels = {}
    try:
        for i in range(args.starts):
            for name in names:
                if name in kernels:
                    kernels.pop(name).stop()
                kernel, info, t_info, t_first = measure_start(name, logs[name], args.timeout)
                kernels[name] = kernel
                r = results[name]
                r["implementation"] = "%s %s" % (info.get("implementation"), info.get("implementation_version"))
                r["start_to_kernel_info_ms"].append(t_info)
                r["start_to_first_cell_ms"].append(t_first)
                print("%s start %d: kernel_info_reply %.0f ms, first 1 + 1 %.0f ms" % (name, i + 1, t_info, t_first),
                      file=sys.stderr)

        if "output" in args.parts:
            measure_output(names, kernels, results, args)
        if "latency" not in args.parts:
            return [results[name] for name in names]

        for name in names:
            results[name]["round_trip_ms"] = []
        for i in range(args.warmup + args.runs):
            for name in names:
                sent, done, data = kernels[name].execute(TRIVIAL, args.timeout)
                check_two(data, name)
                if i >= args.warmup:
                    results[name]["round_trip_ms"].append(ms(done - sent))
        for name in names:
            trips = results[name]["round_trip_ms"]
            print("%s round trip: median %.1f ms, p95 %.1f ms" % (name, statistics.median(trips), p95(trips)),
                  file=sys.stderr)

        rendering = []
        for name in names:
            results[name]["render"] = {}
            why_not = ensure_classpath(kernels[name], args.classpath_file, args.timeout)
            if why_not:
                results[name]["render_skipped"] = why_not
                print("%s render cells skipped: %s" % (name, why_not), file=sys.stderr)
            else:
                rendering.append(name)
        for key, label, code in render_cells(ROWS):
            times = {name: [] for name in rendering}
            for i in range(1 + args.render_runs):  # the first run is the cold one
                for name in rendering:
                    sent, done, data = kernels[name].execute(code, args.timeout)
                    times[name].append(ms(done - sent))
                    results[name]["render"][key] = {
                        "label": label, "cold_ms": times[name][0], "warm_ms": times[name][1:],
                        "mime": sorted((data or {}).keys()),
                        "bytes": sum(len(json.dumps(v)) for v in (data or {}).values())}
            for name in rendering:
                rec = results[name]["render"][key]
                print("%s %s: cold %.0f ms, warm median %.0f ms, %s" % (
                    name, key, rec["cold_ms"], statistics.median(rec["warm_ms"]), ",".join(rec["mime"]) or "no value"),
                    file=sys.stderr)

        for name in names:
            results[name]["interrupt_ms"] = []
        for i in range(args.interrupts):
            for name in names:
                took = kernels[name].interrupt(INTERRUPT_PATIENCE)
                results[name]["interrupt_ms"].append(None if took is None else ms(took))
                if took is None:
                    print("%s: a busy loop did not stop within %.0f s of the interrupt" % (name, INTERRUPT_PATIENCE),
                          file=sys.stderr)
                    break
                sent, done, data = kernels[name].execute(TRIVIAL, args.timeout)  # and the kernel still works
                check_two(data, name)
    finally:
        for kernel in kernels.values():
            kernel.stop()
    return [results[name] for name in names]


def measure_output(names, kernels, results, args):
    """The output cells, interleaved like the rest; a kernel that lost a cell's idle gets a
    `1 + 1` afterwards to show whether it still works."""
    for name in names:
        results[name]["output"] = {key: [] for key, _, _, _ in OUTPUT_CELLS}
    for i in range(args.output_runs):
        for key, label, code, expected in OUTPUT_CELLS:
            for name in names:
                rec = kernels[name].execute_output(code, args.output_timeout)
                rec["expected_chars"] = expected
                results[name]["output"][key].append(rec)
                print("%s %s run %d: %.2f s, %d of %d chars, %d lines in %d messages, idle %s, notice %s" % (
                    name, key, i + 1, rec["seconds"], rec["chars"], expected, rec["lines"], rec["messages"],
                    rec["idle"], rec["notice"]), file=sys.stderr)
                if not rec["idle"]:
                    try:
                        _, _, data = kernels[name].execute(TRIVIAL, 60)
                        check_two(data, name)
                        rec["next_cell"] = "ran"
                    except (CellFailed, TimeoutError) as e:
                        rec["next_cell"] = "failed: %s" % str(e).splitlines()[0]
                    print("%s: next cell after the lost idle: %s" % (name, rec["next_cell"]), file=sys.stderr)


def output_rows(args):
    rows = []
    for key, label, _, expected in OUTPUT_CELLS:
        per_line = key.startswith("lines")

        def rate(r, key=key, per_line=per_line):
            recs = r.get("output", {}).get(key)
            if not recs:
                return "-"
            if per_line:
                return "%.0f lines/s" % statistics.median(x["lines"] / x["seconds"] for x in recs)
            # Printed: what the cell wrote (all of it ran once the idle came); shown: what reached the reader.
            return "%.1f MB/s printed, %.1f shown" % (
                statistics.median(x["expected_chars"] / x["seconds"] / 2 ** 20 for x in recs),
                statistics.median(x["chars"] / x["seconds"] / 2 ** 20 for x in recs))

        def got(r, key=key, expected=expected):
            recs = r.get("output", {}).get(key)
            if not recs:
                return "-"
            least = min(x["chars"] for x in recs)
            idles = sum(x["idle"] for x in recs)
            notices = sum(x["notice"] for x in recs)
            return "%.1f%% of chars, idle %d/%d%s" % (100.0 * least / expected, idles, len(recs),
                                                     ", notice %d/%d" % (notices, len(recs)) if notices else "")

        rows.append(("%s: median rate to idle (of %d runs)" % (label, args.output_runs), rate))
        rows.append(("  least received, idle seen", got))
    return rows


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            mem = "%.0f GiB" % (kb / 1024 / 1024)
    except (OSError, StopIteration):
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "java": java[0] if java else "?",
            "python": platform.python_version(), "load_average": os.getloadavg()}


def print_table(results, args):
    if "latency" not in args.parts:
        return print_rows(results, output_rows(args))
    rows = [("start -> kernel_info_reply, median of %d starts (min-max)" % args.starts,
             lambda r: "%.0f (%.0f-%.0f)" % (statistics.median(r["start_to_kernel_info_ms"]),
                                             min(r["start_to_kernel_info_ms"]), max(r["start_to_kernel_info_ms"]))),
            ("start -> first `1 + 1` done, median (min-max)",
             lambda r: "%.0f (%.0f-%.0f)" % (statistics.median(r["start_to_first_cell_ms"]),
                                             min(r["start_to_first_cell_ms"]), max(r["start_to_first_cell_ms"]))),
            ("`1 + 1` round trip, median of %d" % args.runs,
             lambda r: "%.1f" % statistics.median(r["round_trip_ms"]) if "round_trip_ms" in r else "-"),
            ("`1 + 1` round trip, p95",
             lambda r: "%.1f" % p95(r["round_trip_ms"]) if "round_trip_ms" in r else "-")]
    rows.append(("interrupt a busy loop -> its execute_reply, median of %d" % args.interrupts,
                 lambda r: "%.0f" % statistics.median(r["interrupt_ms"])
                 if r.get("interrupt_ms") and None not in r["interrupt_ms"] else "not stopped"))
    for key, label, _ in render_cells(ROWS):
        rows.append(("%s: cold / warm median of %d" % (label, args.render_runs),
                     lambda r, key=key: "%.0f / %.0f" % (r["render"][key]["cold_ms"],
                                                         statistics.median(r["render"][key]["warm_ms"]))
                     if key in r.get("render", {}) else "skipped"))
        rows.append(("  its result: MIME types (JSON size)",
                     lambda r, key=key: "%s (%s)" % (",".join(r["render"][key]["mime"]) or "none",
                                                     kib(r["render"][key]["bytes"]))
                     if key in r.get("render", {}) else "-"))
    if "output" in args.parts:
        rows += output_rows(args)
    print_rows(results, rows)


def print_rows(results, rows):
    def col(r, f):
        return f(r) if r else "-"

    header = ["ms"] + [r["kernel"] for r in results]
    table = [header] + [[label] + [col(r, f) for r in results] for label, f in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        print("%s: %s" % (r["kernel"], r["implementation"]))
        if r.get("render_skipped"):
            print("%s: render cells skipped: %s" % (r["kernel"], r["render_skipped"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", action="append", required=True, metavar="NAME",
                        help="a kernelspec name (repeatable; found through JUPYTER_PATH)")
    parser.add_argument("--runs", type=int, default=100, help="timed trivial cells (default 100)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed trivial cells first (default 5)")
    parser.add_argument("--starts", type=int, default=5, help="fresh kernel starts to time (default 5)")
    parser.add_argument("--render-runs", type=int, default=10,
                        help="timed runs of each render cell after its cold run (default 10)")
    parser.add_argument("--interrupts", type=int, default=3,
                        help="busy loops to interrupt, after a second each (default 3)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for any one answer")
    parser.add_argument("--classpath-file", default=os.path.join(REPO_ROOT, "cli", "target", "runtime-classpath.txt"),
                        help="jars added with %%classpath to a kernel without Tablesaw/Q-probe")
    parser.add_argument("--parts", default="latency", type=lambda v: v.split(","),
                        help="what to measure, comma-separated: latency (start-up, round trip, render,"
                             " interrupt) and/or output (cells that print a lot); default latency")
    parser.add_argument("--output-runs", type=int, default=3, help="runs of each output cell (default 3)")
    parser.add_argument("--output-timeout", type=float, default=300,
                        help="seconds an output cell may take before it counts as unfinished (default 300)")
    parser.add_argument("--json", metavar="FILE", help="also write all measurements as JSON")
    args = parser.parse_args()
    if args.runs < 1 or args.starts < 1 or args.render_runs < 1 or args.warmup < 0:
        parser.error("--runs, --starts and --render-runs must be at least 1, --warmup at least 0")

    if not set(args.parts) <= {"latency", "output"}:
        parser.error("--parts takes latency and/or output, got %s" % ",".join(args.parts))
    if len(set(args.kernel)) != len(args.kernel):
        parser.error("--kernel names a kernelspec twice")
    available = KernelSpecManager().find_kernel_specs()
    missing = [name for name in args.kernel if name not in available]
    if missing:
        parser.error("no kernelspec %s (set JUPYTER_PATH to the prefix's share/jupyter?); found: %s" % (
            ", ".join(missing), ", ".join(sorted(available)) or "none"))
    with tempfile.TemporaryDirectory(prefix="kernel-latency-") as tmp:
        paths = {name: os.path.join(tmp, name + ".log") for name in args.kernel}
        logs = {name: open(path, "ab") for name, path in paths.items()}
        try:
            results = bench(args.kernel, args, logs)
        except (CellFailed, TimeoutError, RuntimeError) as e:
            print("failed: %s" % e, file=sys.stderr)
            for name, path in paths.items():
                logs[name].flush()
                print("--- last lines of kernel %s's output:\n%s" % (name, tail(path)), file=sys.stderr)
            return 1
        finally:
            for log in logs.values():
                log.close()
    info = machine()
    print("machine: %d CPUs, %s, %s RAM, %s, load average %s" % (
        info["cpus"], info["cpu"], info["memory"], info["java"], " ".join("%.1f" % x for x in info["load_average"])))
    print_table(results, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "args": vars(args), "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
