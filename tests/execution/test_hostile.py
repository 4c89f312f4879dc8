"""Hostile programs: each gets its verdict, and afterwards the sandbox still serves a normal
job and the host is unharmed; attacks on the verdicts themselves change none, neither their
own nor a later job's. Every program runs in both backends."""

import json
import os
import platform
import socket
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import docker
import pytest

from codescale.execution.docker_backend import LABEL
from codescale.execution.pool import WorkerPool
from codescale.models import Status
from tests.execution.conftest import BACKENDS, HOST_SECRET, job, small_limits

HOST_FILE = Path(f"/tmp/codescale-escape-{uuid.uuid4().hex}")
HOST_ONLY_PATH = str(Path(__file__).resolve())
LISTENER = socket.create_server(("127.0.0.1", 0))
LISTENER.settimeout(0)
LISTENER_PORT = LISTENER.getsockname()[1]


class Hostile(NamedTuple):
    code: str
    status: Status
    expected: str | None = None
    input: str = ""


def _code(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


PROGRAMS: dict[str, Hostile] = {
    "fork bomb": Hostile(_code("""
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """), Status.TIMEOUT),
    "memory bomb 10 GB": Hostile("block = bytearray(10 * 1024 ** 3)\n", Status.MEMORY_LIMIT),
    "memory growing in a loop": Hostile(_code("""
        hoard = []
        while True:
            hoard.append(bytearray(10 ** 7))
        """), Status.MEMORY_LIMIT),
    "infinite loop": Hostile("while True:\n    pass\n", Status.TIMEOUT),
    "sleep forever": Hostile("import time\ntime.sleep(10 ** 6)\n", Status.TIMEOUT),
    "infinite print": Hostile("while True:\n    print('spam' * 100)\n", Status.OUTPUT_LIMIT),
    "infinite stderr": Hostile("import sys\nwhile True:\n    sys.stderr.write('x' * 1000)\n",
                               Status.OUTPUT_LIMIT),
    "huge single line": Hostile("print('x' * (3 * 1024 * 1024))\n", Status.OUTPUT_LIMIT),
    "reading stdin forever": Hostile("import sys\nwhile True:\n    sys.stdin.read()\n",
                                     Status.TIMEOUT, input="some input"),
    "writing outside scratch": Hostile(_code(f"""
        written = 0
        for path in ["/etc/x", "/usr/x", "/opt/codescale/worker.py", "/x", "/proc/x",
                     "/tmp/x", "{HOST_FILE}"]:
            try:
                with open(path, "w") as handle:
                    handle.write("pwned")
                written += 1
            except OSError:
                pass
        print(written)
        """), Status.PASSED, expected="0"),
    "filling scratch": Hostile(_code("""
        n = 0
        while True:
            with open(f"fill{n}", "wb") as handle:
                handle.write(b"x" * 512 * 1024)
            n += 1
        """), Status.RUNTIME_ERROR),
    "socket to localhost": Hostile(_code(f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {LISTENER_PORT}), timeout=1)
            print("connected")
        except OSError:
            print("blocked")
        """), Status.PASSED, expected="blocked"),
    "socket to an outside address": Hostile(_code("""
        import socket
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=1)
            print("connected")
        except OSError:
            print("blocked")
        """), Status.PASSED, expected="blocked"),
    "reading the host environment": Hostile(_code(f"""
        import os
        seen = str(os.environ)
        for path in ["/proc/1/environ", "/proc/self/environ"]:
            try:
                seen += open(path, "rb").read().decode(errors="replace")
            except OSError:
                pass
        print("visible" if "{HOST_SECRET}" in seen else "hidden")
        """), Status.PASSED, expected="hidden"),
    "reading host files": Hostile(_code(f"""
        import os
        visible = [os.path.exists(path) for path in
                   ["{HOST_ONLY_PATH}", "/var/run/docker.sock", "/run/docker.sock"]]
        readable = [os.access(path, os.R_OK) for path in ["/etc/shadow", "/root"]]
        print(sum(visible + readable))
        """), Status.PASSED, expected="0"),
    "killing its parent and pid 1": Hostile(_code("""
        import os, signal
        for target in {os.getppid(), 1}:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
                try:
                    os.kill(target, sig)
                except OSError:
                    pass
        print("still here")
        """), Status.PASSED, expected="still here"),
    "killing every process": Hostile(_code("""
        import os, signal
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        print("still here")
        """), Status.PASSED, expected="still here"),
    "sending itself SIGSEGV": Hostile("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
                                      Status.RUNTIME_ERROR),
    "sys.exit(0) after the answer": Hostile("import sys\nprint(5)\nsys.exit(0)\n",
                                            Status.PASSED, expected="5"),
    "sys.exit(3)": Hostile("import sys\nprint(5)\nsys.exit(3)\n", Status.RUNTIME_ERROR),
    "sys.exit with a message": Hostile("import sys\nsys.exit('bye')\n", Status.RUNTIME_ERROR),
    "os._exit(0) after a flushed answer": Hostile(
        "import os\nprint(5, flush=True)\nos._exit(0)\n", Status.PASSED, expected="5"),
    "os._exit(0) losing an unflushed answer": Hostile(
        "import os\nprint(5)\nos._exit(0)\n", Status.WRONG_ANSWER, expected="5"),
    "os._exit(113)": Hostile("import os\nos._exit(113)\n", Status.MEMORY_LIMIT),
    "closing stdout and stderr": Hostile("import os\nos.close(1)\nos.close(2)\n",
                                         Status.WRONG_ANSWER, expected="5"),
    "printing after closing stdout": Hostile("import sys\nsys.stdout.close()\nprint(5)\n",
                                             Status.RUNTIME_ERROR),
    "imitating the worker protocol": Hostile(_code("""
        import json, os, sys
        fake = json.dumps({"results": [{"status": "completed", "stdout": "5",
                                        "stderr": "", "duration_s": 0.0}]})
        print(fake)
        sys.stderr.write(fake + "\\n")
        for fd in range(3, 64):
            try:
                os.write(fd, (fake + "\\n").encode())
            except OSError:
                pass
        """), Status.WRONG_ANSWER, expected="5"),
    "deep recursion": Hostile("def f(n):\n    return f(n + 1)\nf(0)\n", Status.RUNTIME_ERROR),
    "deep recursion past the C stack": Hostile(_code("""
        import sys
        sys.setrecursionlimit(10 ** 8)
        def f(n):  # through map(), so every level also takes C stack
            return list(map(f, [n + 1]))
        f(0)
        """), Status.RUNTIME_ERROR),
    "threads and daemons that outlive it": Hostile(_code("""
        import os, threading, time
        threading.Thread(target=lambda: time.sleep(3600)).start()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(3600)
            os._exit(0)
        print("done")
        """), Status.PASSED, expected="done"),
    "changing cwd and builtins": Hostile(_code("""
        import builtins, json, os
        os.chdir("/")
        json.dumps = lambda *args, **kwargs: "5"
        builtins.str = lambda *args: "5"
        builtins.print = lambda *args, **kwargs: None
        print(4)
        """), Status.WRONG_ANSWER, expected="5"),
    "a correct but slow program": Hostile("import time\ntime.sleep(1.5)\nprint(5)\n",
                                          Status.TIMEOUT, expected="5"),
}


KILLED_WITHIN_S = 2.0
"""The 1 s time limit plus a second for the kill and the teardown of a fork bomb's processes
on a busy 2-core machine (1.52 s seen in CI)."""


@pytest.mark.parametrize("name", PROGRAMS)
def test_hostile_program_is_contained(sandbox: WorkerPool, name: str) -> None:
    hostile = PROGRAMS[name]
    baseline = _sandbox_processes(sandbox)
    [result] = sandbox.run(job(hostile.code, hostile.input, expected=hostile.expected))
    assert result.status == hostile.status, result.stderr[-500:]
    assert result.duration_s < KILLED_WITHIN_S
    _assert_sandbox_still_serves(sandbox)
    _assert_host_unharmed(sandbox, baseline)


def test_slow_program_times_out_with_accurate_wall_time(sandbox: WorkerPool) -> None:
    [result] = sandbox.run(job(PROGRAMS["a correct but slow program"].code, "", expected="5"))
    assert result.status == Status.TIMEOUT
    assert 1.0 <= result.duration_s < 1.2


def test_a_file_left_behind_is_gone_for_the_next_input(sandbox: WorkerPool) -> None:
    code = _code("""
        import os
        paths = ["leftover", "/scratch/.hidden", "/dev/shm/leftover"]
        if input() == "write":
            for path in paths:
                try:
                    open(path, "w").write("x")
                except OSError:
                    pass
            os.makedirs("locked/inner")
            os.chmod("locked", 0)
            print("wrote", sum(os.path.exists(path) for path in paths))
        else:
            print("left", sum(os.path.exists(path) for path in paths + ["locked"]))
        """)
    results = sandbox.run(job(code, "write", "read"))
    assert results[0].stdout.startswith("wrote") and results[0].stdout != "wrote 0\n"
    assert results[1].stdout == "left 0\n"


def test_no_process_survives_into_the_next_input(sandbox: WorkerPool) -> None:
    code = _code("""
        import os, time
        if input() == "spawn":
            for _ in range(3):
                if os.fork() == 0:
                    os.setsid()
                    time.sleep(3600)
            print("spawned")
        else:
            others = [p for p in os.listdir("/proc")
                      if p.isdigit() and int(p) not in (1, os.getpid())]
            print(len(others))
        """)
    results = sandbox.run(job(code, "spawn", "count"))
    assert [r.stdout for r in results] == ["spawned\n", "0\n"]


def _assert_sandbox_still_serves(sandbox: WorkerPool) -> None:
    results = sandbox.run(job("print(sum(map(int, input().split())))", "2 3", "4 5"))
    assert [(r.status, r.stdout) for r in results] == [(Status.COMPLETED, "5\n"),
                                                       (Status.COMPLETED, "9\n")]


def _assert_host_unharmed(sandbox: WorkerPool, baseline: int) -> None:
    assert not HOST_FILE.exists()
    with pytest.raises(BlockingIOError):
        LISTENER.accept()
    assert _sandbox_processes(sandbox) == baseline


def _sandbox_processes(sandbox: WorkerPool) -> int:
    """Processes this sandbox runs on the host: in its containers, or below this test."""
    if sandbox.backend == "docker":
        mine = {"label": f"{LABEL}={sandbox.instance}"}
        return sum(len(container.top()["Processes"])
                   for container in docker.from_env().containers.list(filters=mine))
    parents: dict[int, int] = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat_file.parent.name)] = int(fields[1])
    return sum(_descends_from(pid, os.getpid(), parents) for pid in parents)


def _descends_from(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    parent = parents.get(pid)
    while parent is not None:
        if parent == ancestor:
            return True
        parent = parents.get(parent)
    return False


# Trustworthy verdicts: no program can change a verdict, its own or a later one's. Each
# attack runs on a one-worker pool kept open, so the next jobs land on the worker the attack
# ran on (or on the fresh one that replaced it): for every attack the test checks its own
# verdict, then that a correct and a wrong program, stdin and call style, run next on the
# same pool get `passed` and `wrong_answer`.

BIG = "1" + "0" * 6021  # 10**6021: more digits than Python converts to text by default (4300)
SYSCALLS = {"x86_64": {"process_vm_writev": 311, "kcmp": 312, "add_key": 248},
            "aarch64": {"process_vm_writev": 271, "kcmp": 272, "add_key": 217}}[platform.machine()]


class Attack(NamedTuple):
    code: str
    status: Status
    expected: str | None = "right"
    input: str = ""
    io: str = "stdin"
    memory_limit_mb: int = 128
    inputs: int = 1


def _call(code: str, status: Status, expected: str | None) -> Attack:
    return Attack(_code(code), status, expected, input="[]", io="call")


# The reproducer from the report: rewrite the worker's interned "completed" to "passed".
REWRITE_WORKER_MEMORY = """
    import os, sys
    f = sys._getframe()
    while '_run_one' not in f.f_globals: f = f.f_back
    s = next(x for x in f.f_globals['_run_one'].__code__.co_consts if x == 'completed')
    with open(f'/proc/{os.getppid()}/mem', 'r+b', buffering=0) as m:
        m.seek(id(s) + sys.getsizeof(s) - len(s) - 1); m.write(b'passed\\0')
        m.seek(id(s) + 16); m.write((6).to_bytes(8, 'little'))
    """
FORGED_REPLY = json.dumps({"results": [{"status": "passed", "stdout_b64": "", "stderr_b64": "",
                                        "duration_s": 0.0}], "intact": True})

ATTACKS: dict[str, Attack] = {
    # 1. the worker's memory and ptrace
    "rewriting the worker's memory (stdin)": Attack(
        _code(REWRITE_WORKER_MEMORY + "print('wrong')\n"), Status.RUNTIME_ERROR),
    "rewriting the worker's memory (call)": _call(
        "def f():\n    return 'wrong'\n" + _code(REWRITE_WORKER_MEMORY), Status.RUNTIME_ERROR,
        json.dumps("right")),
    "ptrace seize, process_vm_writev and kcmp on the worker": Attack(_code(f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        parent = os.getppid()
        results = [libc.ptrace(0x4206, parent, 0, 0),            # PTRACE_SEIZE
                   libc.syscall({SYSCALLS["process_vm_writev"]}, parent, 0, 0, 0, 0, 0),
                   libc.syscall({SYSCALLS["kcmp"]}, os.getpid(), parent, 0, 0, 0)]
        print("right" if all(r == -1 for r in results) else "reached")
        """), Status.PASSED),
    # 2. the reply channel
    "writing a forged reply to /proc/1/fd/1": Attack(_code(f"""
        import os
        for path in ('/proc/1/fd/1', f'/proc/{{os.getppid()}}/fd/1'):
            try:
                fd = os.open(path, os.O_WRONLY)
                os.write(fd, b'{len(FORGED_REPLY)}\\n' + {FORGED_REPLY.encode()!r})
            except OSError:
                pass
        print('wrong')
        """), Status.WRONG_ANSWER),
    "reading the next request from /proc/1/fd/0": Attack(_code("""
        import os
        stolen = b''
        for path in ('/proc/1/fd/0', f'/proc/{os.getppid()}/fd/0'):
            try:
                stolen += os.read(os.open(path, os.O_RDONLY | os.O_NONBLOCK), 100)
            except OSError:
                pass
        print('right' if not stolen else 'stolen')
        """), Status.PASSED),
    "taking the worker's stdout with pidfd_getfd": Attack(_code(f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        pidfd = libc.syscall(434, os.getppid(), 0)                # pidfd_open
        fd = libc.syscall(438, pidfd, 1, 0) if pidfd >= 0 else -1  # pidfd_getfd
        if fd >= 0:
            os.write(fd, b'{len(FORGED_REPLY)}\\n' + {FORGED_REPLY.encode()!r})
        print('right' if fd < 0 else 'took it')
        """), Status.PASSED),
    # 3. changing the worker
    "lowering the worker's process limit": Attack(_code("""
        import os, resource
        try:
            resource.prlimit(os.getppid(), resource.RLIMIT_NPROC, (4, 4))
            print('changed')
        except OSError:
            print('right')
        """), Status.PASSED),
    "renicing, pinning and OOM-scoring the worker": Attack(_code("""
        import os
        changed = 0
        for change in (lambda: os.setpriority(os.PRIO_PROCESS, os.getppid(), 19),
                       lambda: os.sched_setaffinity(os.getppid(), {0}),
                       lambda: open(f'/proc/{os.getppid()}/oom_score_adj', 'w').write('1000')):
            try:
                change()
                changed += 1
            except OSError:
                pass
        print('right' if not changed else f'changed {changed}')
        """), Status.PASSED),
    # 4. crashing the worker
    "an expression too deep to compile": Attack("x = 1" + " + 1" * 200000 + "\nprint(x)\n",
                                                Status.RUNTIME_ERROR),
    "a correct program leaving 2,100 nested directories": Attack(_code("""
        import os
        for _ in range(2100):
            os.mkdir('d')
            os.chdir('d')
        print('right')
        """), Status.PASSED),
    "nested directories locked and full of files": Attack(_code("""
        import os
        for level in range(300):
            os.mkdir('d')
            open(f'f{level}', 'w').write('x')
            os.chmod('.', 0o500) if level == 299 else None
            os.chdir('d')
        print('right')
        """), Status.PASSED),
    "locking its own streams with chmod 0": Attack(_code("""
        import os
        for fd in (0, 1, 2, 3):
            os.fchmod(fd, 0)
        print("right")
        """), Status.PASSED),
    "leases, locks and status flags on its streams": Attack(_code("""
        import fcntl, os
        for fd in (0, 1, 2, 3):
            for change in (lambda: fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK),
                           lambda: fcntl.flock(fd, fcntl.LOCK_EX),
                           lambda: fcntl.fcntl(fd, fcntl.F_SETFL, os.O_APPEND | os.O_NONBLOCK)):
                try:
                    change()
                except OSError:
                    pass
        print("right")
        """), Status.PASSED),
    "locking the return channel in a call": _call(
        "import os\ndef f():\n    os.fchmod(3, 0o444)\n    return 'right'\n", Status.PASSED,
        json.dumps("right")),
    "1,500 compile-time warnings": Attack(
        "x = 1\n" + "".join(f"y{i} = x is 1\n" for i in range(1500)) + "print('right')\n",
        Status.PASSED),
    "a wide directory of 6,000 subdirectories": Attack(_code("""
        import os
        os.mkdir("a")
        for n in range(6000):
            os.mkdir(f"a/{n}")
        print("right")
        """), Status.PASSED),
    # 5. state that outlives a job
    "SysV shared memory, message queues, semaphores and keys": Attack(_code(f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        made = [libc.shmget(0, 384 << 20, 0o1666), libc.msgget(0, 0o1666),
                libc.semget(0, 1, 0o1666),
                libc.syscall({SYSCALLS["add_key"]}, b'user', b'codescale', b'x', 1, -3)]
        print('right' if all(r == -1 for r in made) else f'made {{made}}')
        """), Status.PASSED),
    "files in /dev and /dev/shm": Attack(_code("""
        written = 0
        for path in ('/dev/leftover', '/dev/shm/leftover'):
            try:
                open(path, 'w').write('x' * 1000)
                written += 1
            except OSError:
                pass
        print('right' if written <= 1 else 'wrote /dev')
        """), Status.PASSED),
    # 6. memory per program, not per process
    "eight children of 100 MB under 128 MB": Attack(_code("""
        import os, time
        for _ in range(8):
            if os.fork() == 0:
                hoard = bytearray(100 << 20)
                time.sleep(2)
                os._exit(0)
        time.sleep(2)
        print('right')
        """), Status.MEMORY_LIMIT),
    "memory held by threads whose leader exited": Attack(_code("""
        import ctypes, os, threading, time
        exit_thread = {"x86_64": 60, "aarch64": 93}[os.uname().machine]  # SYS_exit
        def hog():
            hoard = bytearray(b"\\x01") * (60 << 20)
            time.sleep(2)
            os._exit(0)
        for _ in range(4):
            if os.fork() == 0:
                threading.Thread(target=hog).start()
                ctypes.CDLL(None).syscall(exit_thread, 0)  # only the leader thread ends
        hog()
        """), Status.MEMORY_LIMIT),
    "non-dumpable children hiding 300 MB under 128 MB": Attack(_code("""
        import ctypes, os, time
        for _ in range(3):
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no smaps_rollup
                hoard = [bytearray(b"\\x01") * (10 << 20) for _ in range(10)]
                time.sleep(2)
                os._exit(0)
        time.sleep(1.5)
        print("right")
        """), Status.MEMORY_LIMIT),
    "350 MB of memfd pages under 32 MB": Attack(_code("""
        import os
        fd = os.memfd_create('hoard')
        for _ in range(350):
            os.write(fd, b'x' * (1 << 20))
        print('right')
        """), Status.RUNTIME_ERROR, memory_limit_mb=32),
    # 7. the comparator
    "inf for an integer of 4,500 digits": Attack("print('inf')\n", Status.WRONG_ANSWER,
                                                 expected="7" * 4500),
    "an integer printed as a close float": Attack("print('37607912000.0')\n",
                                                  Status.WRONG_ANSWER, expected="37607912018"),
    "a correct 6,021-digit integer returned": _call("def f():\n    return 10 ** 6021\n",
                                                    Status.PASSED, BIG),
    "a wrong 6,021-digit integer returned": _call("def f():\n    return 10 ** 6021 + 1\n",
                                                  Status.WRONG_ANSWER, BIG),
    # 8. verdicts that were misclassified
    "killing itself with SIGKILL": Attack(
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", Status.RUNTIME_ERROR),
    "a return value over the output limit": _call(
        "def f():\n    return 'x' * (2 << 20)\n", Status.OUTPUT_LIMIT, json.dumps("right")),
    # 9. output amplification
    "12 inputs of 1 MiB of control bytes": Attack(
        "import sys\nsys.stdout.write('\\x01' * ((1 << 20) - 1))\n", Status.WRONG_ANSWER,
        inputs=12),
}


@pytest.fixture(scope="module", params=BACKENDS)
def single(request: pytest.FixtureRequest) -> Iterator[WorkerPool]:
    """A one-worker sandbox of each backend, kept open across all attacks."""
    with small_limits(request.param, pool_size=1).open() as opened:
        yield opened


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_changes_no_verdict(single: WorkerPool, name: str) -> None:
    attack = ATTACKS[name]
    results = single.run(job(attack.code, *[attack.input] * attack.inputs,
                             expected=attack.expected, io=attack.io,
                             entry_point="f" if attack.io == "call" else None,
                             memory_limit_mb=attack.memory_limit_mb, time_limit_s=3.0))
    assert [r.status for r in results] == [attack.status] * attack.inputs, \
        results[0].stderr[-600:]
    _assert_next_verdicts_are_right(single)


def test_a_program_printing_a_huge_integer_meets_python_limit(single: WorkerPool) -> None:
    # The program's own str() keeps CPython's digit limit, as on any judge running Python.
    [result] = single.run(job("print(10 ** 6021)\n", "", expected=BIG))
    assert result.status == Status.RUNTIME_ERROR
    assert "Exceeds the limit" in result.stderr
    _assert_next_verdicts_are_right(single)


def _assert_next_verdicts_are_right(pool: WorkerPool) -> None:
    correct = pool.run(job("print(sum(map(int, input().split())))", "2 3", expected="5"))
    wrong = pool.run(job("print(4)", "2 3", expected="5"))
    assert [r.status for r in correct + wrong] == [Status.PASSED, Status.WRONG_ANSWER]
    call = pool.run(job("def f(a, b):\n    return a + b\n", "[2, 3]", "[1, 1]", expected="5",
                        io="call", entry_point="f"))
    assert [r.status for r in call] == [Status.PASSED, Status.WRONG_ANSWER]
