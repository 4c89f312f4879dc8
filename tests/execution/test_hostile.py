"""Hostile programs: each gets its verdict, and afterwards the sandbox still serves a normal
job and the host is unharmed. Every program runs in both backends."""

import os
import socket
import textwrap
import uuid
from pathlib import Path
from typing import NamedTuple

import docker
import pytest

from codescale.execution.docker_backend import LABEL
from codescale.execution.pool import WorkerPool
from codescale.models import Status
from tests.execution.conftest import HOST_SECRET, job

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


@pytest.mark.parametrize("name", PROGRAMS)
def test_hostile_program_is_contained(sandbox: WorkerPool, name: str) -> None:
    hostile = PROGRAMS[name]
    baseline = _sandbox_processes(sandbox)
    [result] = sandbox.run(job(hostile.code, hostile.input, expected=hostile.expected))
    assert result.status == hostile.status, result.stderr[-500:]
    assert result.duration_s < 1.5
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
            others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
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
