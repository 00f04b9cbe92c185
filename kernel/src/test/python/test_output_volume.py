"""Cells that print a lot, read by a jupyter_client reader: nothing is lost, the cell's idle status
always arrives, output past the limit is replaced by one notice, and the next cell runs.

The kernelspec comes from $QPROBE_KERNEL_NAME (found through $JUPYTER_PATH), as for
test_qprobe_kernel.py; the JUnit test OutputVolumeTest installs one and runs this file with
`/usr/bin/python3 -m unittest -v test_output_volume`. If $QPROBE_KERNEL_LOG names a file, the
kernel's own output goes there.
"""

import os
import queue
import re
import time
import unittest

from jupyter_client.manager import start_new_kernel

STARTUP_TIMEOUT = 180
# 50 MB through JShell's output stream takes a while on a loaded 2-core machine.
CELL_TIMEOUT = 300
LIMIT = 10 * 1024 * 1024


def run_cell(kc, code, timeout=CELL_TIMEOUT):
    """Runs `code`; returns (reply content, stdout text, stderr text, number of stream messages,
    whether its idle arrived). Reads iopub until the cell's idle, or until `timeout`."""
    msg_id = kc.execute(code, store_history=False)
    deadline = time.monotonic() + timeout
    out, err, streams, idle = [], [], 0, False
    while not idle and time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            streams += 1
            (out if msg["content"]["name"] == "stdout" else err).append(msg["content"]["text"])
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    while True:  # replies to start_new_kernel's own requests may come first
        reply = kc.get_shell_msg(timeout=max(1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    return reply["content"], "".join(out), "".join(err), streams, idle


class OutputVolumeTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log = os.environ.get("QPROBE_KERNEL_LOG")
        streams = {}
        if log:
            cls.kernel_log = open(log, "ab")
            streams = {"stdout": cls.kernel_log, "stderr": cls.kernel_log}
        cls.km, cls.kc = start_new_kernel(kernel_name=os.environ["QPROBE_KERNEL_NAME"],
                                          startup_timeout=STARTUP_TIMEOUT, **streams)
        content, _, _, _, _ = run_cell(cls.kc, "1 + 1", STARTUP_TIMEOUT)
        if content["status"] != "ok":
            cls.tearDownClass()
            raise RuntimeError("the warm-up cell failed: %r" % (content,))

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        if hasattr(cls, "kernel_log"):
            cls.kernel_log.close()

    def assert_next_cell_runs(self):
        content, out, _, _, idle = run_cell(self.kc, 'System.out.println("next " + (40 + 2));')
        self.assertEqual("ok", content["status"])
        self.assertEqual("next 42\n", out)
        self.assertTrue(idle)

    def test_ten_thousand_lines_arrive_in_order_with_idle(self):
        content, out, err, streams, idle = run_cell(
            self.kc, 'for (int i = 0; i < 10_000; i++) System.out.println("line " + i);')
        self.assertEqual("ok", content["status"], content)
        self.assertTrue(idle, "no idle status for the cell")
        expected = "".join("line %d\n" % i for i in range(10000))
        self.assertEqual(len(expected), len(out), "characters received")
        self.assertEqual(expected, out)
        self.assertEqual("", err)
        # Batched: far fewer messages than lines (each line used to be one or more messages).
        self.assertLess(streams, 1000, "stream messages for 10,000 lines")
        self.assert_next_cell_runs()

    def test_fifty_megabytes_are_cut_at_the_limit_with_a_notice(self):
        # 50 MiB of numbered 1 KiB lines, so the test can tell which lines came.
        code = ('String pad = "x".repeat(1014);\n'
                'for (int i = 0; i < 50 * 1024; i++) System.out.print(String.format("%08d ", i) + pad + "\\n");')
        content, out, err, _, idle = run_cell(self.kc, code)
        self.assertEqual("ok", content["status"], content)
        self.assertTrue(idle, "no idle status for the cell")
        line = lambda i: "%08d " % i + "x" * 1014 + "\n"
        self.assertEqual(1024, len(line(0)))
        self.assertEqual(LIMIT, len(out.encode("utf-8")), "exactly the limit is shown")
        self.assertTrue(out.startswith(line(0) + line(1)), "from the start, in order")
        whole = LIMIT // 1024
        self.assertEqual("".join(line(i) for i in range(whole)), out)
        notice = [l for l in err.splitlines() if "[output limit]" in l]
        self.assertEqual(1, len(notice), "one notice: %r" % err[-2000:])
        self.assertIn("50 MB", notice[0])
        self.assertIn("40 MB", notice[0], "says how much was not shown")
        match = re.search(r"stdout: (\S+\.txt)", notice[0])
        self.assertIsNotNone(match, notice[0])
        path = match.group(1)
        self.assertEqual(50 * 1024 * 1024, os.path.getsize(path), "the file holds all of it")
        with open(path, encoding="utf-8") as f:
            self.assertEqual(line(0), f.read(1024))
            f.seek(50 * 1024 * 1024 - 1024)
            self.assertEqual(line(50 * 1024 - 1), f.read())
        self.assert_next_cell_runs()


if __name__ == "__main__":
    unittest.main()
