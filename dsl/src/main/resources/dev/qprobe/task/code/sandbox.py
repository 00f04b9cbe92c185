# Runs one job for dev.qprobe.task.code.PythonSandbox, as
#   python3 -I -S -B -c <this source> <job.json>
# in the job's scratch directory. Sets resource limits and an audit hook, then runs the
# completion, the setup code and each test in one fresh namespace, and ends with one status
# line that starts with the job's nonce. The nonce is read from the job file, which is deleted
# before any untrusted code runs, so a completion that prints or exits early cannot fake a pass.
#
# The audit hook is defence in depth, not a jail: code in this process that sets out to defeat
# it can (see PythonSandbox's javadoc for what it does and does not stop).
import builtins
import json
import os
import resource
import sys
import traceback

# Importing these gives a completion a way around the hook (native calls, raw fork/exec,
# subinterpreters without our hook, CPython's test helpers that poke memory).
_BLOCKED_MODULES = frozenset({
    "ctypes", "_ctypes", "_posixsubprocess", "_xxsubinterpreters", "_xxinterpchannels",
    "_testcapi", "_testinternalcapi", "_testbuffer", "_testmultiphase", "_testimportmultiple",
    "_testclinic", "_xxtestfuzz",
})

# Events refused outright: new processes, signals to other processes, hard links and symlinks
# (a link inside the scratch directory to a file outside would let a write escape), raising our
# limits, and the introspection that reaches this hook's function object.
_BLOCKED_EVENTS = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "pty.spawn", "os.startfile", "os.kill", "os.killpg", "signal.pthread_kill",
    "os.link", "os.symlink", "resource.setrlimit", "resource.prlimit",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
})

# Events that change a path: the event's argument positions of (path, dir_fd) pairs; dir_fd is
# None where the event has none.
_PATH_EVENTS = {
    "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)), "os.chmod": ((0, 2),), "os.chown": ((0, 3),),
    "os.utime": ((0, 3),), "os.truncate": ((0, None),), "os.setxattr": ((0, None),),
    "os.removexattr": ((0, None),), "os.chflags": ((0, None),), "os.lchflags": ((0, None),),
    "shutil.rmtree": ((0, 1),), "shutil.chown": ((0, None),),
}

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_DETAIL_CHARS = 400


def _main():
    job_path = sys.argv[1]
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    os.remove(job_path)
    nonce = job["nonce"]
    scratch = os.path.realpath(job["scratch"])
    # Kept before untrusted code runs: it may rebind os.write, exit, stdout and the builtins.
    status_fd = os.dup(1)
    write = os.write
    exit_now = os._exit
    do_exec = builtins.exec
    do_compile = builtins.compile
    stdout, stderr = sys.stdout, sys.stderr

    _set_limits(job)
    blocked = []
    sys.addaudithook(_make_hook(scratch, blocked))

    status = _run(job, blocked, do_exec, do_compile)
    for stream in (stdout, stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    write(status_fd, ("\n" + nonce + " " + status + "\n").encode("utf-8", "replace"))
    # Skips atexit handlers and joins of threads the completion may have left running.
    exit_now(0)


def _set_limits(job):
    memory = job["memoryBytes"]
    cpu = job["cpuSeconds"]
    file_size = job["fileSizeBytes"]
    # Hard limits too, so the completion cannot raise them again.
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _make_hook(scratch, blocked):
    realpath = os.path.realpath
    readlink = os.readlink
    join = os.path.join
    getcwd = os.getcwd
    fsdecode = os.fsdecode
    fspath = os.fspath
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
            writes = (mode is not None and any(c in mode for c in "wax+")) or (flags & _WRITE_FLAGS)
            if writes and real != "/dev/null" and not inside(real):
                deny("writing outside the scratch directory (" + real + ")")
        elif event in _PATH_EVENTS:
            for path_at, dir_fd_at in _PATH_EVENTS[event]:
                check(event, args[path_at], None if dir_fd_at is None else args[dir_fd_at])
        elif event == "import":
            if args[0].partition(".")[0] in _BLOCKED_MODULES:
                deny("import " + args[0])
        elif event in _BLOCKED_EVENTS or event.startswith("socket.") or event.startswith("ctypes."):
            deny(event)
        elif event == "object.__setattr__" and args[1] == "__code__":
            deny("replacing a function's code")

    return hook


def _run(job, blocked, do_exec, do_compile):
    """Runs the job's code; returns the status: PASSED, or an outcome and a one-line reason."""
    namespace = {"__name__": "__solution__", "__builtins__": builtins}
    steps = [("the completion", job["code"]), ("the setup code", job["setup"])]
    steps += [("test " + str(i + 1), test) for i, test in enumerate(job["tests"])]
    for where, source in steps:
        try:
            code = do_compile(source, "<" + where + ">", "exec")
        except SyntaxError as e:
            return _line("ERROR", "syntax error in " + where + ": " + str(e.msg) + " (line " + str(e.lineno) + ")")
        except BaseException as e:
            return _failure(e, where, source, blocked)
        try:
            do_exec(code, namespace)
        except BaseException as e:
            _print_traceback(e)
            return _failure(e, where, source, blocked)
    if blocked:
        # The completion caught the PermissionError and went on: still a fail.
        return _line("BLOCKED", blocked[0])
    return "PASSED"


def _failure(e, where, source, blocked):
    if blocked:
        return _line("BLOCKED", blocked[0])
    if isinstance(e, MemoryError):
        return _line("MEMORY", "out of memory in " + where)
    if isinstance(e, SystemExit):
        return _line("ERROR", where + " exited before the tests finished")
    if isinstance(e, AssertionError) and where.startswith("test "):
        return _line("ASSERTION", where + " failed: " + source.strip())
    try:
        message = type(e).__name__ + ": " + str(e)
    except BaseException:
        message = "an exception that cannot be printed"
    return _line("ERROR", where + " raised " + message)


def _print_traceback(e):
    try:
        traceback.print_exception(e, file=sys.__stderr__)
    except BaseException:
        pass


def _line(outcome, detail):
    detail = " ".join(detail.split())
    if len(detail) > _DETAIL_CHARS:
        detail = detail[:_DETAIL_CHARS] + "..."
    return outcome + " " + detail


_main()
