"""The sandbox worker: runs untrusted candidate programs, one fresh process per input.

Standard library only; runs inside each sandbox container (as PID 1) and under the
local namespace backend. Protocol: one JSON request per line on stdin, one JSON reply
per line on stdout.

Request: {"code", "io": "stdin"|"call", "entry_point", "inputs": [str, ...],
          "time_limit_s", "memory_limit_mb", "output_limit_bytes", "max_processes"}
Reply:   {"results": [{"status", "stdout", "stderr", "duration_s", "peak_memory_mb"}, ...]}
         or {"error": "<why the request was refused>"}

`status` is one of completed, runtime_error, timeout, memory_limit, output_limit; the
host compares outputs. The candidate is compiled once per request; each input runs in
its own child forked from this (already warm) process, with rlimits, its own session,
a wall-clock kill, stdin/stdout/stderr on anonymous memory files and every other file
descriptor closed, so nothing the program prints or does reaches this reply channel.
After each input every leftover process is killed and the scratch directories wiped.
"""

import builtins
import json
import math
import os
import resource
import select
import signal
import stat
import sys
import time
import traceback
import types
import typing

# Loaded once by the worker so that forked children find them ready (candidates use them).
PRELOADED = ("bisect", "collections", "decimal", "fractions", "functools", "heapq",
             "itertools", "random", "re", "string", "typing")
TYPING_NAMES = {name: getattr(typing, name) for name in typing.__all__}
EXIT_MEMORY = 113  # a child exits with this after an uncaught MemoryError
STDERR_KEEP = 8192  # bytes of stderr returned (the tail, where tracebacks end)
SCRATCH = os.environ.get("CODESCALE_SCRATCH", "/scratch")  # the program's working directory
# Directories a program can write to; emptied after every input.
WIPE_DIRS = tuple(filter(None, os.environ.get("CODESCALE_WIPE", SCRATCH).split(":")))
_BASE_ADDRESS_SPACE = 0  # bytes mapped by this process before any candidate runs
_encode_json = json.dumps  # held here, so a program that replaces json.dumps changes nothing


class BadRequest(Exception):
    """A request the worker cannot run (malformed JSON, missing field, bad entry point)."""


def main() -> None:
    """Serve requests from stdin until it closes."""
    global _BASE_ADDRESS_SPACE
    for name in PRELOADED:
        __import__(name)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as PID 1: signals without handlers are ignored
    with open("/proc/self/statm") as statm:
        _BASE_ADDRESS_SPACE = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    requests = os.fdopen(0, "rb", buffering=1 << 16, closefd=False)
    for line in requests:
        if not line.strip():
            continue
        try:
            reply = {"results": serve(json.loads(line))}
        except (BadRequest, ValueError, KeyError, TypeError) as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        _write_all(1, (json.dumps(reply) + "\n").encode())


def serve(request: dict) -> list[dict]:
    """Run one candidate on every input of `request`; one result per input, in order."""
    io_style = request["io"]
    if io_style not in ("stdin", "call"):
        raise BadRequest(f"unknown io style {io_style!r}")
    entry_point = request.get("entry_point") or ""
    if io_style == "call" and not entry_point:
        raise BadRequest("a call request needs an entry_point")
    try:
        program = compile(request["code"], "<solution>", "exec")
    except (SyntaxError, ValueError) as error:
        message = f"{type(error).__name__}: {error}"
        return [_result("runtime_error", "", message, 0.0, None) for _ in request["inputs"]]
    limits = _Limits(float(request["time_limit_s"]), int(request["memory_limit_mb"]),
                     int(request["output_limit_bytes"]), int(request["max_processes"]))
    return [_run_one(program, io_style, entry_point, str(text), limits)
            for text in request["inputs"]]


class _Limits:
    """Per-input limits of one request."""

    def __init__(self, time_s: float, memory_mb: int, output_bytes: int, processes: int):
        self.time_s, self.memory_mb = time_s, memory_mb
        self.output_bytes, self.processes = output_bytes, processes


def _run_one(program: types.CodeType, io_style: str, entry_point: str, text: str,
             limits: _Limits) -> dict:
    """Fork a child that runs `program` on one input; watch, sweep and report it."""
    stdin = _memfile("stdin", text.encode())
    stdout, stderr, returned = _memfile("stdout"), _memfile("stderr"), _memfile("return")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child never returns from here
        _child(program, io_style, entry_point, text, limits, (stdin, stdout, stderr, returned))
    timed_out, wait_status, usage = _wait(pid, limits.time_s)
    duration = time.monotonic() - started
    _sweep(pid)
    _wipe()
    out_size, err_size = os.fstat(stdout).st_size, os.fstat(stderr).st_size
    out = _read(returned if io_style == "call" else stdout, limits.output_bytes)
    err = _read(stderr, limits.output_bytes)[-STDERR_KEEP:]
    for fd in (stdin, stdout, stderr, returned):
        os.close(fd)
    if max(out_size, err_size) >= limits.output_bytes:
        status = "output_limit"
    elif timed_out or _signal_of(wait_status) == signal.SIGXCPU:
        status, duration = "timeout", max(duration, limits.time_s)
    elif _exit_status(wait_status) == EXIT_MEMORY or _signal_of(wait_status) == signal.SIGKILL:
        status = "memory_limit"  # an uncaught MemoryError, or the kernel's OOM killer
    elif _exit_status(wait_status) == 0:
        status = "completed"
    else:
        status = "runtime_error"
        if _signal_of(wait_status):
            err += f"\nkilled by signal {signal.Signals(_signal_of(wait_status)).name}"
        elif not err:
            err = f"exit status {os.WEXITSTATUS(wait_status)}"
    return _result(status, out, err, duration, usage.ru_maxrss / 1024)


def _result(status: str, out: str, err: str, duration: float,
            peak_memory_mb: float | None) -> dict:
    return {"status": status, "stdout": out, "stderr": err, "duration_s": round(duration, 6),
            "peak_memory_mb": peak_memory_mb}


def _memfile(name: str, content: bytes = b"") -> int:
    """An anonymous in-memory file holding `content`, positioned at its start."""
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    _write_all(fd, content)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _read(fd: int, limit: int) -> str:
    return os.pread(fd, limit, 0).decode("utf-8", errors="replace")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _exit_status(wait_status: int) -> int | None:
    return os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None


def _signal_of(wait_status: int) -> int:
    return os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else 0


def _wait(pid: int, time_limit_s: float) -> tuple[bool, int, resource.struct_rusage]:
    """Wait for the child at most `time_limit_s` of wall time; kill its group past that."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], time_limit_s)
    finally:
        os.close(pidfd)
    if not ready:
        for kill in (os.killpg, os.kill):  # the group, or the child if setsid has not run yet
            try:
                kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _, wait_status, usage = os.wait4(pid, 0)
    return not ready, wait_status, usage


def _sweep(pid: int) -> None:
    """Kill whatever the program left running (daemons, grandchildren) and reap it."""
    try:
        if os.getpid() == 1:  # PID 1 of our own namespace: everything else is the program's
            os.kill(-1, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    while True:
        try:
            if os.waitpid(-1, 0 if os.getpid() == 1 else os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def _wipe() -> None:
    """Empty the writable directories so that no file survives into the next input."""
    for directory in WIPE_DIRS:
        if _owned(directory):  # the program may have locked its own scratch
            os.chmod(directory, 0o700)
        if not os.access(directory, os.W_OK):
            continue
        for entry in os.scandir(directory):
            _remove(entry.path)


def _owned(path: str) -> bool:
    try:
        return os.stat(path).st_uid == os.getuid()
    except OSError:
        return False


def _remove(root: str) -> None:
    """Delete `root` and all below it, unlocking directories the program made unreadable."""
    stack = [(root, False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            os.rmdir(path)
        elif stat.S_ISDIR(os.lstat(path).st_mode):
            os.chmod(path, 0o700)
            stack.append((path, True))
            stack.extend((entry.path, False) for entry in os.scandir(path))
        else:
            os.unlink(path)


def _child(program: types.CodeType, io_style: str, entry_point: str, text: str,
           limits: _Limits, fds: tuple[int, int, int, int]) -> None:
    """In the forked child: isolate, limit, run the program, exit. Never returns."""
    try:
        stdin, stdout, stderr, returned = fds
        os.setsid()
        os.dup2(stdin, 0)
        os.dup2(stdout if io_style == "stdin" else stderr, 1)  # call problems: prints -> stderr
        os.dup2(stderr, 2)
        os.dup2(returned, 3)
        os.closerange(4, _max_fd())
        _set_limits(limits)
        os.chdir(SCRATCH)
        sys.stdin = sys.__stdin__ = open(0, "r", encoding="utf-8", closefd=False)
        sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", closefd=False)
    except BaseException:  # noqa: BLE001 - the child must never fall back into the worker loop
        os._exit(120)
    os._exit(_execute(program, io_style, entry_point, text))


def _execute(program: types.CodeType, io_style: str, entry_point: str, text: str) -> int:
    """Run the program as __main__ (and call the entry point); return the exit status."""
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    if io_style == "call":  # LeetCode-style starter code uses List, Optional, ... unimported
        main_module.__dict__.update(TYPING_NAMES)
    sys.modules["__main__"] = main_module
    try:
        try:
            exec(program, main_module.__dict__)
            if io_style == "call":
                value = _entry(main_module.__dict__, entry_point)(*_arguments(text))
                encoded = _encode_json(value)
                with open(3, "w", encoding="utf-8", closefd=False) as channel:
                    channel.write(encoded)
            return _flush(0)
        except SystemExit as exit_request:
            return _flush(_exit_code(exit_request.code))
        except MemoryError:
            return _flush(EXIT_MEMORY)
    except BaseException as error:  # noqa: BLE001 - the traceback is the program's stderr
        try:  # without this function's own frame
            traceback.print_exception(type(error), error, error.__traceback__.tb_next)
        except BaseException:  # noqa: BLE001 - even printing may fail (closed stderr)
            pass
        return _flush(1)


def _entry(namespace: dict, entry_point: str):
    owner, _, name = entry_point.rpartition(".")
    if owner:
        return getattr(namespace[owner](), name)
    if name not in namespace:
        raise NameError(f"the program defines no {name!r}")
    return namespace[name]


def _arguments(text: str) -> list:
    arguments = json.loads(text)
    if not isinstance(arguments, list):
        raise TypeError("call arguments must be a JSON array")
    return arguments


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _flush(code: int) -> int:
    """Flush the program's streams (as the interpreter does at exit) and pass `code` on."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - a closed or broken stream loses its data
            pass
    return code


def _max_fd() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 65536


def _set_limits(limits: _Limits) -> None:
    cpu = math.ceil(limits.time_s) + 1
    memory = _BASE_ADDRESS_SPACE + limits.memory_mb * 1024 * 1024
    for name, value in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_AS, memory),
                        (resource.RLIMIT_FSIZE, limits.output_bytes),
                        (resource.RLIMIT_NPROC, limits.processes),
                        (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(name, (value, value if name != resource.RLIMIT_CPU else value + 1))


if __name__ == "__main__":
    main()
