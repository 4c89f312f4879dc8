"""The sandbox worker: runs untrusted candidate programs, one fresh process per input.

Standard library only; runs inside each sandbox container (as PID 1) and under the
local namespace backend. Protocol: one JSON request per line on stdin; each reply is a
frame on stdout: its length in bytes on one line, then that many bytes of JSON.

Request: {"code", "io": "stdin"|"call", "entry_point", "inputs": [str, ...],
          "time_limit_s", "memory_limit_mb", "output_limit_bytes", "max_processes"}
Reply:   {"results": [{"status", "stdout_b64", "stderr_b64", "duration_s",
                       "peak_memory_mb"}, ...], "intact": bool}
         or {"error": "<why the request was refused>"}

`status` is one of completed, runtime_error, timeout, memory_limit, output_limit,
sandbox_error; the host compares outputs. Outputs travel base64-encoded, so a reply is at
most 4/3 of the bytes kept, whatever the program printed.

Why no program can change a verdict (the README's threat model has the whole list):
- the worker is not dumpable, so a program (same uid, no capabilities) cannot open the
  worker's /proc/<pid>/mem, fd/ or environ, ptrace it, or take its file descriptors;
- the worker puts itself under a seccomp filter at start, so every program inherits it
  before any of its code runs: no ptrace, process_vm_*, pidfd_getfd or kcmp; prlimit,
  setpriority, affinity, scheduler and ioprio only on the caller itself; no SysV IPC, POSIX
  message queues, keyrings, memfd_create, userfaultfd, bpf, perf events, io_uring, and no
  new namespaces;
- the program's standard streams are in-memory files, every other descriptor is closed,
  and the reply channel (the worker's stdout) is reachable only through /proc, which the
  first point closes;
- the program's code is compiled in a child of its own under the program's limits, so
  nothing of it runs, or compiles, in the worker;
- memory is the sum over all the program's processes, watched while it runs;
- after every input each leftover process is killed and scratch is wiped (however deep or
  wide its tree); after every job the worker checks that its own limits, priority,
  affinity, OOM score and dumpability are unchanged; if anything could not be cleaned or
  changed, the reply says `intact: false` and the worker exits, and a child that cannot be
  set up makes it refuse the job and exit, so the host starts a fresh one before the next.
"""

import binascii
import builtins
import ctypes
import json
import marshal
import math
import os
import resource
import select
import signal
import struct
import sys
import time
import traceback
import types
import typing
import warnings

# Loaded once by the worker so that forked children find them ready (candidates use them).
PRELOADED = ("bisect", "collections", "decimal", "fractions", "functools", "heapq",
             "itertools", "random", "re", "string", "typing")
TYPING_NAMES = {name: getattr(typing, name) for name in typing.__all__}
EXIT_MEMORY = 113  # a child exits with this after an uncaught MemoryError
EXIT_OUTPUT = 114  # ... after its return value came out longer than the output limit
STDERR_KEEP = 8192  # bytes of stderr returned (the tail, where tracebacks end)
SCRATCH = os.environ.get("CODESCALE_SCRATCH", "/scratch")  # the program's working directory
# Directories a program can write to; emptied after every input.
WIPE_DIRS = tuple(filter(None, os.environ.get("CODESCALE_WIPE", SCRATCH).split(":")))
WIPE_DEPTH = 32  # deeper directories are moved up to the top before they are emptied
WATCH_INTERVALS_S = (0.01, 0.02)  # memory polls while a program runs: at 10 ms, then every 20
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# The cgroup's OOM-kill counter: `memory.events` under cgroup v2, `memory.oom_control` under v1.
_OOM_COUNTER = next((path for path in ("/sys/fs/cgroup/memory.events",
                                       "/sys/fs/cgroup/memory/memory.oom_control")
                     if os.path.exists(path)), None)
_RLIMITS = tuple(name for name in dir(resource) if name.startswith("RLIMIT_"))
_encode_json = json.dumps  # held here, so a program that replaces json.dumps changes nothing

# The seccomp filter. Numbers are (x86_64, aarch64).
PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS = 3, 4, 22, 38
SECCOMP_MODE_FILTER = 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
EPERM, ENOSYS = 1, 38
LD_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
CLONE_NEW_ANY = 0x7E020080  # CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET,TIME}
ARCHES = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}
DENIED = {
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kcmp": (312, 272), "pidfd_getfd": (438, 438), "process_madvise": (440, 440),
    "shmget": (29, 194), "shmat": (30, 196), "shmctl": (31, 195), "shmdt": (67, 197),
    "semget": (64, 190), "semop": (65, 193), "semctl": (66, 191), "semtimedop": (220, 192),
    "msgget": (68, 186), "msgsnd": (69, 189), "msgrcv": (70, 188), "msgctl": (71, 187),
    "mq_open": (240, 180), "mq_unlink": (241, 181), "mq_timedsend": (242, 182),
    "mq_timedreceive": (243, 183), "mq_notify": (244, 184), "mq_getsetattr": (245, 185),
    "add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219),
    "memfd_create": (319, 279), "unshare": (272, 97), "setns": (308, 268),
    "userfaultfd": (323, 282), "perf_event_open": (298, 241), "bpf": (321, 280),
    "io_uring_setup": (425, 425),
}
SELF_ONLY = {  # system call -> the index of its process argument, which must be 0 (itself)
    "prlimit64": ((302, 261), 0), "setpriority": ((141, 140), 1),
    "sched_setaffinity": ((203, 122), 0), "sched_setparam": ((142, 118), 0),
    "sched_setscheduler": ((144, 119), 0), "sched_setattr": ((314, 274), 0),
    "ioprio_set": ((251, 30), 1), "move_pages": ((279, 239), 0),
    "migrate_pages": ((256, 238), 0),
}
CLONE, CLONE3 = (56, 220), (435, 435)


class BadRequest(Exception):
    """A request the worker cannot run (malformed JSON, missing field, bad entry point)."""


class BrokenWorker(Exception):
    """The worker can no longer run programs as it should: it refuses the request and exits,
    and the host retries the job on a fresh worker."""


class Guard:
    """The worker's protection from its programs. At start, while it may still make memory
    files, the worker opens the four it reuses for every program's streams, makes itself
    non-dumpable and puts itself under the seccomp filter, once: every child inherits the
    filter (installing one per child would cost a third of a millisecond each). It records
    its own state, to notice any change a program makes to it."""

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.streams = tuple(os.memfd_create(name, os.MFD_CLOEXEC)
                             for name in ("stdin", "stdout", "stderr", "return"))
        self.started, self.starting = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        self._prctl(PR_SET_DUMPABLE, 0)
        self._prctl(PR_SET_NO_NEW_PRIVS, 1)
        code = _seccomp_program()
        instructions = ctypes.create_string_buffer(code, len(code))
        program = struct.pack("HxxxxxxP", len(code) // 8, ctypes.addressof(instructions))
        self._prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
                    ctypes.create_string_buffer(program, len(program)))
        self.state = _worker_state(self.libc)

    def release(self) -> None:
        """In a program's child: dumpable again, so that the worker can measure its memory
        (the worker itself stays out of the program's reach)."""
        self._prctl(PR_SET_DUMPABLE, 1)

    def changes(self) -> list[str]:
        """What in the worker's own state differs from when it started."""
        now = _worker_state(self.libc)
        return [name for name, value in self.state.items() if now.get(name) != value]

    def _prctl(self, option: int, *arguments: object) -> None:
        padded = (list(arguments) + [0, 0, 0, 0])[:4]
        if self.libc.prctl(option, *padded) != 0:
            raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def _insn(code: int, k: int, jump_true: int = 0, jump_false: int = 0) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, k)


def _seccomp_program() -> bytes:
    """The BPF filter for this architecture; KeyError on one it does not know."""
    column, audit_arch = ARCHES[os.uname().machine]
    deny, allow = _insn(RET, RET_ERRNO | EPERM), _insn(RET, RET_ALLOW)
    code = [_insn(LD_ABS, 4), _insn(JEQ, audit_arch, 1, 0), deny, _insn(LD_ABS, 0)]
    if column == 0:  # x32 system calls carry bit 30 and would bypass the numbers below
        code += [_insn(JGE, 0x40000000, 0, 1), deny]
    for numbers in DENIED.values():
        code += [_insn(JEQ, numbers[column], 0, 1), deny]
    for numbers, argument in SELF_ONLY.values():
        low = 16 + 8 * argument  # seccomp_data.args[argument], low then high 32 bits
        code += [_insn(JEQ, numbers[column], 0, 6), _insn(LD_ABS, low),
                 _insn(JEQ, 0, 0, 3), _insn(LD_ABS, low + 4), _insn(JEQ, 0, 0, 1), allow, deny]
    code += [_insn(JEQ, CLONE[column], 0, 4), _insn(LD_ABS, 16),
             _insn(JSET, CLONE_NEW_ANY, 1, 0), allow, deny]
    # clone3 passes its flags in memory the filter cannot read: libc falls back to clone.
    code += [_insn(JEQ, CLONE3[column], 0, 1), _insn(RET, RET_ERRNO | ENOSYS), allow]
    return b"".join(code)


def _worker_state(libc: ctypes.CDLL) -> dict[str, object]:
    state: dict[str, object] = {
        "priority": os.getpriority(os.PRIO_PROCESS, 0),
        "affinity": sorted(os.sched_getaffinity(0)),
        "dumpable": libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0),
    }
    for name in _RLIMITS:
        state[name] = resource.getrlimit(getattr(resource, name))
    try:
        with open("/proc/self/oom_score_adj") as adjustment:
            state["oom_score_adj"] = adjustment.read().strip()
    except OSError:
        pass
    return state


def add_site_builtins() -> None:
    """`exit` and `quit`, which the `site` module defines and the worker (run with -S) would
    lack: contest programs end with them."""
    import _sitebuiltins

    builtins.exit = _sitebuiltins.Quitter("exit", "Ctrl-D (i.e. EOF)")  # type: ignore[attr-defined]
    builtins.quit = _sitebuiltins.Quitter("quit", "Ctrl-D (i.e. EOF)")  # type: ignore[attr-defined]


def main() -> None:
    """Serve requests from stdin until it closes (or the worker can no longer be trusted)."""
    for name in PRELOADED:
        __import__(name)
    add_site_builtins()
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as PID 1: signals without handlers are ignored
    try:
        guard: Guard | str = Guard()
    except KeyError as unknown:  # every job is then a sandbox_error: nothing runs unconfined
        guard = f"no seccomp filter for the {unknown} architecture"
    except (OSError, AttributeError) as error:
        guard = f"the kernel refused the confinement: {error}"
    base = _Memory.proportional_kb("/proc/self")
    requests = os.fdopen(0, "rb", buffering=1 << 16, closefd=False)
    for line in requests:
        if not line.strip():
            continue
        intact = True
        try:
            results, intact = serve(json.loads(line), guard, base)
            reply: dict = {"results": results, "intact": intact}
        except (BadRequest, BrokenWorker, ValueError, KeyError, TypeError) as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
            intact = not isinstance(error, BrokenWorker)
        payload = json.dumps(reply).encode()
        _write_all(1, b"%d\n" % len(payload) + payload)
        if not intact:
            return


def serve(request: dict, guard: "Guard | str", base_kb: int) -> tuple[list[dict], bool]:
    """Run one candidate on every input of `request`; one result per input, in order, and
    whether the worker is still as it started."""
    io_style = request["io"]
    if io_style not in ("stdin", "call"):
        raise BadRequest(f"unknown io style {io_style!r}")
    entry_point = request.get("entry_point") or ""
    if io_style == "call" and not entry_point:
        raise BadRequest("a call request needs an entry_point")
    code = str(request["code"])
    limits = _Limits(float(request["time_limit_s"]), int(request["memory_limit_mb"]),
                     int(request["output_limit_bytes"]), int(request["max_processes"]),
                     _address_space())
    inputs = [str(text) for text in request["inputs"]]
    if isinstance(guard, str):  # why programs cannot be confined here
        reason = f"{guard}; no program runs unconfined"
        return [_result("sandbox_error", b"", reason.encode(), 0.0, None) for _ in inputs], True
    if not inputs:
        return [], True
    program, error = _compile(code, limits)
    if program is None:
        return [_result("runtime_error", b"", error, 0.0, None) for _ in inputs], True
    results, clean, oom = [], True, _OomKills()
    for text in inputs:
        result, clean = _run_one(program, io_style, entry_point, text, limits, guard, base_kb,
                                 oom)
        results.append(result)
        if not clean:
            break
    changed = guard.changes()
    if changed or not clean:  # the program's verdicts cannot stand, and the worker must go
        why = (f"the program changed the sandbox worker ({', '.join(changed)})" if changed
               else "the sandbox could not be cleaned after the program").encode()
        return [_result("runtime_error", b"", why, 0.0, None) for _ in inputs], False
    return results, True


class _Limits:
    """Per-input limits of one request."""

    def __init__(self, time_s: float, memory_mb: int, output_bytes: int, processes: int,
                 base_address_space: int):
        self.time_s, self.memory_mb = time_s, memory_mb
        self.output_bytes, self.processes = output_bytes, processes
        self.address_space = base_address_space + memory_mb * 1024 * 1024  # RLIMIT_AS


def _compile(code: str, limits: _Limits) -> tuple[types.CodeType | None, bytes]:
    """The program's code object, compiled in a child of its own under the program's limits
    (code too deep, too large or too slow to compile never harms the worker); or None and
    why it did not compile. Nothing of the program has run in that child: its output is the
    compiler's, so the worker may load it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            _set_limits(limits)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # nothing reaches the worker's stderr
            warnings.simplefilter("ignore")  # compile-time SyntaxWarnings: not the program's run
            try:
                blob = b"C" + marshal.dumps(compile(code, "<solution>", "exec"))
            except BaseException as error:  # noqa: BLE001 - SyntaxError, RecursionError, ...
                blob = b"E" + "".join(traceback.format_exception_only(type(error), error)).encode()
            _write_all(write_end, blob)
        finally:
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 1 << 20):
        chunks.append(chunk)
    os.close(read_end)
    _, wait_status = os.waitpid(pid, 0)
    blob = b"".join(chunks)
    if blob[:1] == b"C" and wait_status == 0:
        return marshal.loads(blob[1:]), b""
    if blob[:1] == b"E":
        return None, blob[1:]
    killed = _signal_of(wait_status)
    cause = f"killed by {signal.Signals(killed).name}" if killed else "no code came back"
    return None, f"the program could not be compiled ({cause})".encode()


def _run_one(program: types.CodeType, io_style: str, entry_point: str, text: str,
             limits: _Limits, guard: Guard, base_kb: int, oom: "_OomKills") -> tuple[dict, bool]:
    """Fork a child that runs `program` on one input; watch, sweep and report it, and say
    whether the sandbox is clean again afterwards."""
    stdin, stdout, stderr, returned = guard.streams
    for fd in guard.streams:  # a program may have changed their size or offset
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
    _write_all(stdin, text.encode())
    os.lseek(stdin, 0, os.SEEK_SET)
    began = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child never returns from here
        _child(program, io_style, entry_point, text, limits, guard)
    memory = _Memory(limits.memory_mb * 1024 + base_kb)
    timed_out, wait_status, usage = _wait(pid, limits.time_s, memory)
    duration = time.monotonic() - began
    try:
        started = os.read(guard.started, 16) == b"1"
    except BlockingIOError:
        started = False
    clean = _sweep(pid) and _wipe()
    out_size, err_size = os.fstat(stdout).st_size, os.fstat(stderr).st_size
    out = os.pread(returned if io_style == "call" else stdout, limits.output_bytes, 0)
    err = os.pread(stderr, limits.output_bytes, 0)[-STDERR_KEEP:]
    exit_status, killed_by = _exit_status(wait_status), _signal_of(wait_status)
    peak = max(usage.ru_maxrss, memory.peak_kb - base_kb) / 1024
    if not started:
        raise BrokenWorker("a child could not be set up to run the program")
    if memory.exceeded:
        status = "memory_limit"
    elif max(out_size, err_size) >= limits.output_bytes or exit_status == EXIT_OUTPUT:
        status = "output_limit"
    elif timed_out or killed_by == signal.SIGXCPU:
        status, duration = "timeout", max(duration, limits.time_s)
    elif exit_status == EXIT_MEMORY or (killed_by == signal.SIGKILL and oom.killed()):
        status = "memory_limit"  # an uncaught MemoryError, or the kernel's OOM killer
    elif exit_status == 0:
        status = "completed"
    else:
        status = "runtime_error"
        if killed_by:
            err += f"\nkilled by signal {signal.Signals(killed_by).name}".encode()
        elif not err:
            err = f"exit status {exit_status}".encode()
    return _result(status, out, err, duration, peak), clean


def _result(status: str, out: bytes, err: bytes, duration: float,
            peak_memory_mb: float | None) -> dict:
    return {"status": status, "stdout_b64": binascii.b2a_base64(out, newline=False).decode(),
            "stderr_b64": binascii.b2a_base64(err, newline=False).decode(),
            "duration_s": round(duration, 6),
            "peak_memory_mb": peak_memory_mb}


class _Memory:
    """The memory of all the program's processes together, against one limit: each
    process's proportional share of its anonymous and shared-memory pages (a page shared
    by two processes after a fork counts half in each), so the sum is what they hold."""

    def __init__(self, limit_kb: int):
        self.limit_kb, self.peak_kb, self.exceeded = limit_kb, 0, False

    def over(self) -> bool:
        """Measure now; True (and remembered) once the total is past the limit. The resident
        sizes (cheap to read, never below the proportional ones) are summed first; only when
        they pass the limit are the proportional sizes read."""
        me = str(os.getpid())
        measured = [self._resident(name) for name in os.listdir("/proc")
                    if name.isdigit() and name != me]
        total = sum(size for _, size in measured)
        if total > self.limit_kb:  # a process whose rollup cannot be read counts whole
            total = sum(self.proportional_kb(path) or size for path, size in measured)
        self.peak_kb = max(self.peak_kb, total)
        self.exceeded = self.exceeded or total > self.limit_kb
        return self.exceeded

    @staticmethod
    def _resident(pid: str) -> tuple[str, int]:
        """Where a process's memory shows in /proc, and its resident kB: /proc/<pid>, or one
        of its threads when the leader thread has exited while others run on (the leader's
        own files then read 0)."""
        path = f"/proc/{pid}"
        size = _statm_kb(path)
        if size == 0:
            try:
                threads = os.listdir(f"{path}/task")
            except OSError:
                threads = []
            for thread in threads:
                size = _statm_kb(f"{path}/task/{thread}")
                if size:
                    return f"{path}/task/{thread}", size
        return path, size

    @staticmethod
    def proportional_kb(path: str) -> int:
        """Pss_Anon + Pss_Shmem in kB of the process (or thread) at `path` (Pss on kernels
        without them; 0 when it is gone)."""
        try:
            with open(f"{path}/smaps_rollup", "rb") as rollup:
                lines = rollup.read().splitlines()[1:]
        except OSError:
            return 0
        sizes = {name: int(value.split()[0]) for name, _, value in
                 (line.partition(b":") for line in lines)}
        if b"Pss_Anon" in sizes:
            return sizes[b"Pss_Anon"] + sizes.get(b"Pss_Shmem", 0)
        return sizes.get(b"Pss", 0)


def _statm_kb(path: str) -> int:
    """The resident size in kB from `path`/statm (0 when the process is gone)."""
    try:
        with open(f"{path}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


class _OomKills:
    """The cgroup's OOM-kill count since the request began or since last asked: read at the
    start of each request (an earlier job's OOM kill is never this one's) and again only
    when a program dies by SIGKILL."""

    def __init__(self) -> None:
        self.seen = _oom_kills()

    def killed(self) -> bool:
        """Whether the OOM killer ended a process since the last look."""
        before, self.seen = self.seen, _oom_kills()
        return self.seen > before


def _oom_kills() -> int:
    """How many processes the kernel's OOM killer ended in this cgroup (0 without one)."""
    if _OOM_COUNTER is None:
        return 0
    try:
        with open(_OOM_COUNTER, "rb") as events:
            for line in events:
                name, _, count = line.partition(b" ")
                if name == b"oom_kill":
                    return int(count)
    except (OSError, ValueError):
        pass
    return 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _exit_status(wait_status: int) -> int | None:
    return os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None


def _signal_of(wait_status: int) -> int:
    return os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else 0


def _wait(pid: int, time_limit_s: float,
          memory: _Memory) -> tuple[bool, int, resource.struct_rusage]:
    """Wait for the child at most `time_limit_s` of wall time, measuring its memory as it
    runs; kill its group past the time or the memory limit."""
    pidfd = os.pidfd_open(pid)
    deadline = time.monotonic() + time_limit_s
    timed_out, polls = False, 0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            interval = WATCH_INTERVALS_S[min(polls, len(WATCH_INTERVALS_S) - 1)]
            if select.select([pidfd], [], [], min(left, interval))[0]:
                break
            polls += 1
            if memory.over():
                break
    finally:
        os.close(pidfd)
    if timed_out or memory.exceeded:
        for kill in (os.killpg, os.kill):  # the group, or the child if setsid has not run yet
            try:
                kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _, wait_status, usage = os.wait4(pid, 0)
    return timed_out and not memory.exceeded, wait_status, usage


def _sweep(pid: int) -> bool:
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
                return True
        except ChildProcessError:
            return True


def _wipe() -> bool:
    """Empty the writable directories so that no file survives into the next input;
    False when something could not be removed."""
    clean = True
    for directory in WIPE_DIRS:
        try:
            if os.stat(directory).st_uid == os.getuid():  # the program may have locked it
                os.chmod(directory, 0o700)
            if os.access(directory, os.W_OK):
                _empty(directory)
                clean = clean and not os.listdir(directory)
        except OSError:
            clean = False
    return clean


def _empty(root: str) -> None:
    """Delete everything below `root`, unlocking directories the program made unreadable.
    Each directory is listed once; the work is on directory descriptors, never long paths,
    and directories deeper than WIPE_DEPTH move up to `root` before they are emptied, so no
    tree is too deep or too wide to delete."""
    top = os.open(root, _DIRECTORY)
    # (descriptor, its name in the directory before it, its subdirectories still to empty)
    opened: list[tuple[int, str, list[str]]] = [(top, "", _remove_files(top))]
    try:
        while opened:
            directory, name, subdirectories = opened[-1]
            if subdirectories:
                child = subdirectories.pop()
                os.chmod(child, 0o700, dir_fd=directory)
                if len(opened) > WIPE_DEPTH:
                    os.rename(child, f".wipe-{os.urandom(8).hex()}", src_dir_fd=directory,
                              dst_dir_fd=top)
                    continue
                opened_child = os.open(child, _DIRECTORY, dir_fd=directory)
                opened.append((opened_child, child, _remove_files(opened_child)))
            elif len(opened) == 1:  # the top: directories moved up land here, so look again
                subdirectories += _remove_files(top)
                if not subdirectories:
                    break
            else:
                opened.pop()
                os.close(directory)
                os.rmdir(name, dir_fd=opened[-1][0])
    finally:
        for directory, _, _ in opened:
            os.close(directory)


def _remove_files(directory: int) -> list[str]:
    """Unlink everything in `directory` but its subdirectories; return their names."""
    subdirectories = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                subdirectories.append(entry.name)
            else:
                os.unlink(entry.name, dir_fd=directory)
    return subdirectories


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def _child(program: types.CodeType, io_style: str, entry_point: str, text: str,
           limits: _Limits, guard: Guard) -> None:
    """In the forked child: isolate, limit, run the program, exit. Never returns."""
    try:
        stdin, stdout, stderr, returned = guard.streams
        os.setsid()
        os.dup2(stdin, 0)
        os.dup2(stdout if io_style == "stdin" else stderr, 1)  # call problems: prints -> stderr
        os.dup2(stderr, 2)
        os.dup2(returned, 3)
        os.dup2(guard.starting, 4)
        os.closerange(5, _max_fd())
        _set_limits(limits)
        os.chdir(SCRATCH)
        guard.release()
        os.write(4, b"1")  # set up: what follows is the program's doing (its end is closed)
        os.close(4)
        sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)
        sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)
        sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", closefd=False)
    except BaseException:  # noqa: BLE001 - the child must never fall back into the worker loop
        os._exit(120)
    os._exit(_execute(program, io_style, entry_point, text, limits.output_bytes))


def _execute(program: types.CodeType, io_style: str, entry_point: str, text: str,
             output_bytes: int) -> int:
    """Run the program as __main__ (and call the entry point); return the exit status."""
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    if io_style == "call":  # LeetCode-style starter code uses List, Optional, ... unimported
        main_module.__dict__.update(TYPING_NAMES)
    sys.modules["__main__"] = main_module
    try:
        try:
            arguments = _arguments(text) if io_style == "call" else []
            exec(program, main_module.__dict__)
            if io_style == "call":
                value = _entry(main_module.__dict__, entry_point)(*arguments)
                sys.set_int_max_str_digits(0)  # a correct big integer is an answer, not an error
                encoded = _encode_json(value).encode("utf-8")
                if len(encoded) >= output_bytes:
                    return _flush(EXIT_OUTPUT)
                _write_all(3, encoded)
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
    """The call's arguments, read with no limit on integer digits (then the limit is back)."""
    default = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        arguments = json.loads(text)
    finally:
        sys.set_int_max_str_digits(default)
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
    for name, value in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_AS, limits.address_space),
                        (resource.RLIMIT_FSIZE, limits.output_bytes),
                        (resource.RLIMIT_NPROC, limits.processes),
                        (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(name, (value, value if name != resource.RLIMIT_CPU else value + 1))


def _address_space() -> int:
    """Bytes this process has mapped (the worker's own: a program may map its limit more)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    main()
