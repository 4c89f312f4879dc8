"""Trustworthy verdicts: no program can change a verdict, its own or a later one's.

Each attack runs in both backends on a one-worker pool, so the next jobs land on the
worker the attack ran on (or on the fresh one that replaced it). For every attack the
test checks its own verdict, then that a correct and a wrong program run next on the same
pool, without reopening it, get `passed` and `wrong_answer`.
"""

import json
import platform
import textwrap
from collections.abc import Iterator
from typing import NamedTuple

import pytest

from codescale.execution import open_sandbox
from codescale.execution.pool import WorkerPool
from codescale.models import Status
from tests.execution.conftest import BACKENDS, job, sandbox_config

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


def _code(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


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
    with open_sandbox(sandbox_config(request.param, pool_size=1)) as opened:
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
