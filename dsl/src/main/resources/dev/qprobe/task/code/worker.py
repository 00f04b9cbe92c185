# The untrusted half of dev.qprobe.task.code.PythonSandbox, run inside the OS sandbox as
#   python3 -I -S -B -c <common.py + this source>
# in the job's scratch directory, with the job as JSON on stdin (read to its end, so the
# completion finds stdin empty). It runs the completion and the setup code, then each test's
# steps as judge.py planned them (statements; the leaves of each assert, never its expected
# side), and writes what happened to report.json: plain values, exceptions, or an early failure.
#
# Nothing here is trusted once the completion has run: it may rebind every global of this
# script, and forge or drop the report. That is why the report holds only values and the
# verdict is reached by judge.py in another process; a forged report can claim only what a
# function could have returned. The audit hook below is defence in depth (it names the refused
# operation in the report), not the guarantee: the OS sandbox around this process is.
import builtins
import json
import os
import sys
import traceback

_DETAIL_CHARS = 400
_MAX_DEPTH = 64
_MAX_ITEMS = 200_000

# Importing these gives a way around the hook: native calls, raw fork/exec, subinterpreters.
_BLOCKED_MODULES = frozenset({
    "ctypes", "_ctypes", "_posixsubprocess", "_xxsubinterpreters", "_xxinterpchannels",
    "_testcapi", "_testinternalcapi", "_testbuffer", "_testmultiphase", "_testimportmultiple",
    "_testclinic", "_xxtestfuzz",
})
# New processes, signals, links (a link in the scratch directory to a file outside would let a
# write escape), raising limits, and the introspection that reaches the hook.
_BLOCKED_EVENTS = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.startfile", "os.kill", "os.killpg", "signal.pthread_kill",
    "os.link", "os.symlink", "resource.setrlimit", "resource.prlimit",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
})
# Events that change a path: argument positions of (path, dir_fd); None where there is none.
_PATH_EVENTS = {
    "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)), "os.chmod": ((0, 2),), "os.chown": ((0, 3),),
    "os.utime": ((0, 3),), "os.truncate": ((0, None),), "os.setxattr": ((0, None),),
    "os.removexattr": ((0, None),), "shutil.rmtree": ((0, 1),), "shutil.chown": ((0, None),),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _main():
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    scratch = os.path.realpath(job["scratch"])
    # Everything the end of the run needs is bound here, before the completion can rebind it.
    report_fd = os.open(os.path.join(scratch, "report.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    write, exit_now, dumps = os.write, os._exit, json.dumps
    stdout, stderr = sys.stdout, sys.stderr
    set_limits(job["limits"])
    blocked = []
    sys.addaudithook(_make_hook(scratch, blocked))

    report = _run(job, blocked)
    for stream in (stdout, stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    if blocked:
        report["blocked"] = blocked[0]
    write(report_fd, dumps(report).encode("utf-8", "replace"))
    # Skips atexit handlers and joins of threads the completion may have left running.
    exit_now(0)


def _make_hook(scratch, blocked, realpath=os.path.realpath, readlink=os.readlink, join=os.path.join,
               getcwd=os.getcwd, fsdecode=os.fsdecode, fspath=os.fspath, blocked_modules=_BLOCKED_MODULES,
               blocked_events=_BLOCKED_EVENTS, path_events=_PATH_EVENTS, write_flags=_WRITE_FLAGS):
    prefix = scratch + os.sep

    def deny(what):
        if not blocked:
            blocked.append(what)
        raise PermissionError("sandbox: " + what + " is not allowed")

    def resolve(path, dir_fd):
        if isinstance(path, int):
            return readlink("/proc/self/fd/%d" % path)
        path = fsdecode(fspath(path))
        if dir_fd is not None and dir_fd != -1:
            path = join(readlink("/proc/self/fd/%d" % dir_fd), path)
        return realpath(join(getcwd(), path))

    def inside(real):
        return real == scratch or real.startswith(prefix)

    def check(event, path, dir_fd):
        try:
            real = resolve(path, dir_fd)
        except Exception:
            deny(event + " on a path that cannot be resolved")
        if not inside(real):
            deny(event + " outside the scratch directory (" + real + ")")

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int):
                return
            try:
                real = resolve(path, None)
            except Exception:
                deny("open of a path that cannot be resolved")
            if real.startswith("/proc/") and real.endswith("/mem"):
                deny("reading process memory")
            writes = (mode is not None and any(c in mode for c in "wax+")) or (flags & write_flags)
            if writes and real != "/dev/null" and not inside(real):
                deny("writing outside the scratch directory (" + real + ")")
        elif event in path_events:
            for path_at, dir_fd_at in path_events[event]:
                check(event, args[path_at], None if dir_fd_at is None else args[dir_fd_at])
        elif event == "import":
            if args[0].partition(".")[0] in blocked_modules:
                deny("import " + args[0])
        elif event in blocked_events or event.startswith("socket.") or event.startswith("ctypes."):
            deny(event)
        elif event == "object.__setattr__" and args[1] == "__code__":
            deny("replacing a function's code")

    return hook


def _run(job, blocked):
    namespace = {"__name__": "__solution__", "__builtins__": builtins}
    for where, source in (("the completion", job["code"]), ("the setup code", job["setup"])):
        try:
            exec(compile(source, "<" + where + ">", "exec"), namespace)
        except SyntaxError as e:
            return {"failure": ["ERROR", "syntax error in %s: %s (line %s)" % (where, e.msg, e.lineno)]}
        except BaseException as e:
            _print_traceback(e)
            return {"failure": _failure(e, where)}
    namespace["__qprobe_eq"] = strict_eq
    tests = []
    for i, steps in enumerate(job["tests"]):
        where = "<test %d>" % (i + 1)
        tests.append([_step(step, where, namespace) for step in steps])
    return {"tests": tests}


def _step(step, where, namespace):
    """Runs one planned statement; an assert's leaves each report a value or their exception."""
    try:
        if "exec" in step:
            exec(compile(step["exec"], where, "exec"), namespace)
            return {"ok": True}
        if "whole" in step:
            return {"value": bool(eval(compile(step["whole"], where, "eval"), namespace))}
    except BaseException as e:
        _print_traceback(e)
        return {"raised": _exception(e)}
    values = []
    for source in step["eval"]:
        try:
            values.append(_encode(eval(compile(source, where, "eval"), namespace), [0]))
        except BaseException as e:
            _print_traceback(e)
            values.append(["e"] + _exception(e))
    return {"values": values}


def _encode(v, count, depth=0):
    """Plain data as tagged JSON; exact types only, so a subclass with its own __eq__ stays opaque."""
    count[0] += 1
    t = type(v)
    if depth > _MAX_DEPTH or count[0] > _MAX_ITEMS:
        return ["o", "value too large or too deep"]
    if v is None:
        return ["N"]
    if t is bool:
        return ["b", v]
    if t is int:
        try:
            return ["i", str(v)]
        except ValueError:
            return ["o", "int too large to print"]
    if t is float:
        return ["f", repr(v)]
    if t is complex:
        return ["c", repr(v.real), repr(v.imag)]
    if t is str:
        return ["s", v]
    if t is bytes:
        return ["y", v.hex()]
    if t in (list, tuple, set, frozenset):
        tag = {list: "l", tuple: "t", set: "S", frozenset: "F"}[t]
        return [tag, [_encode(x, count, depth + 1) for x in v]]
    if t is dict:
        return ["d", [[_encode(k, count, depth + 1), _encode(x, count, depth + 1)] for k, x in v.items()]]
    if hasattr(t, "__next__"):
        # An iterator (generator, map, zip...): its items, so that list(f(x)) or set(f(x)) in a
        # test still works; the judge hands it back as an iterator, equal to no list.
        items = []
        for x in v:
            if count[0] > _MAX_ITEMS:
                return ["o", "value too large or too deep"]
            items.append(_encode(x, count, depth + 1))
        return ["g", items]
    return ["o", t.__name__]


def _exception(e):
    try:
        return [type(e).__name__, str(e)[:_DETAIL_CHARS]]
    except BaseException:
        return [type(e).__name__, "(cannot be printed)"]


def _failure(e, where):
    if isinstance(e, MemoryError):
        return ["MEMORY", "out of memory in " + where]
    if isinstance(e, SystemExit):
        return ["ERROR", where + " exited before the tests ran"]
    return ["ERROR", where + " raised " + ": ".join(_exception(e))]


def _print_traceback(e):
    try:
        traceback.print_exception(e, file=sys.__stderr__)
    except BaseException:
        pass


_main()
