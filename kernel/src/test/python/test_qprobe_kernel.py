"""The standard Jupyter kernel test suite (jupyter_kernel_test) run against the Q-probe kernel.

The kernelspec to start comes from $QPROBE_KERNEL_NAME, found through $JUPYTER_PATH; the JUnit
test JupyterKernelTestSuiteTest installs one for its own class path and runs this file with
`/usr/bin/python3 -m unittest -v`. One kernel serves the whole class. If $QPROBE_KERNEL_LOG names
a file, the kernel's own output goes there instead of into unittest's report.

Not covered: the pager (code_page_something). IPython's `?` help publishes a "page" payload;
Java has no such statement, so the suite's test_pager skips.
"""

import os
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

# The first cell may still wait for the JShell engine; on a loaded CI machine that can take far
# longer than the suite's 15 seconds per request, so the class warms the engine up with this much.
STARTUP_TIMEOUT = 180


def kernel_name():
    name = os.environ.get("QPROBE_KERNEL_NAME")
    if not name:
        raise RuntimeError("set QPROBE_KERNEL_NAME to the name of an installed Q-probe kernelspec")
    return name


class QProbeKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = kernel_name()
    language_name = "java"
    file_extension = ".jshell"

    @classmethod
    def setUpClass(cls):
        log = os.environ.get("QPROBE_KERNEL_LOG")
        streams = {}
        if log:
            cls.kernel_log = open(log, "ab")
            streams = {"stdout": cls.kernel_log, "stderr": cls.kernel_log}
        cls.km, cls.kc = start_new_kernel(
            kernel_name=cls.kernel_name, startup_timeout=STARTUP_TIMEOUT, **streams
        )
        try:
            reply = cls.kc.execute_interactive("1 + 1", timeout=STARTUP_TIMEOUT, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError("the warm-up cell failed: %r" % (reply["content"],))
        except BaseException:
            cls.tearDownClass()  # unittest skips it when setUpClass fails, and the kernel would live on
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if hasattr(cls, "kernel_log"):
            cls.kernel_log.close()

    def execute_helper(self, code, *args, **kwargs):
        """The suite's, failing with the kernel's error when a cell meant to work fails: the suite
        itself would only say 'error' != 'ok'."""
        reply, output_msgs = super().execute_helper(code, *args, **kwargs)
        content = reply["content"]
        if content["status"] == "error" and code != self.code_generate_error:
            self.fail(
                "the cell %r failed: %s: %s\n%s"
                % (code, content.get("ename"), content.get("evalue"), "\n".join(content.get("traceback", [])))
            )
        return reply, output_msgs

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    # JShell's completions end a method name with "(", as JShell's own console does.
    completion_samples = [
        {"text": "System.out.prin", "matches": {"print(", "printf(", "println("}},
        {"text": "Math.ma", "matches": {"max("}},
        # No exact list here: the DSL's imports bring more String* types; the reply must still be valid.
        {"text": "Strin"},
    ]

    complete_code_samples = ["1 + 1;", "int x = 1", 'System.out.println("done");', "class A { }"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", 'String s = """', "class A {", "1 +"]
    invalid_code_samples = [")", "int x = 1; }"]

    # One error message and nothing else (no duplicate of the trace on stderr).
    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"hello, " + "world"', "result": "hello, world"},
        {"code": 'Table.create("t", IntColumn.create("x", 1, 2))', "mime": "text/html"},
    ]

    # display(Object) is imported into every cell; it publishes the value's MIME bundle at once.
    code_display_data = [
        {"code": 'display("shown before the cell ends");', "mime": "text/plain"},
        {"code": 'display(Table.create("t", IntColumn.create("x", 1, 2)));', "mime": "text/html"},
    ]

    # Matches "6 * 7" of code_execute_result and nothing else, read as a glob (as IPython does) or literally.
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput(false);"


if __name__ == "__main__":
    unittest.main()
