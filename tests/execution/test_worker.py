"""Pieces of the worker that no sandbox run reaches: its seccomp program and its refusal to
run anything where it cannot confine programs."""

import base64
import importlib.util
import struct
from types import ModuleType

import pytest

from codescale.execution.docker_backend import WORKER_SOURCE


def load_worker() -> ModuleType:
    """The installed worker as a module (loading it runs nothing: `main` is not called)."""
    spec = importlib.util.spec_from_file_location("sandbox_worker", WORKER_SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WORKER = load_worker()
REQUEST = {"code": "print(1)", "io": "stdin", "inputs": ["", "2"], "time_limit_s": 1,
           "memory_limit_mb": 64, "output_limit_bytes": 1024, "max_processes": 4}


def test_where_programs_cannot_be_confined_nothing_runs() -> None:
    results, intact = WORKER.serve(REQUEST, "no seccomp filter for the 'sparc' architecture", 0)
    assert intact and [r["status"] for r in results] == ["sandbox_error", "sandbox_error"]
    reason = base64.b64decode(results[0]["stderr_b64"]).decode()
    assert reason == "no seccomp filter for the 'sparc' architecture; no program runs unconfined"


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_filter_checks_the_architecture_first_and_ends_by_allowing(
        machine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WORKER.os, "uname", lambda: type("U", (), {"machine": machine})())
    program = WORKER._seccomp_program()
    instructions = [struct.unpack("HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    load_arch, check_arch, deny_other_arch = instructions[:3]
    assert load_arch == (WORKER.LD_ABS, 0, 0, 4)
    assert check_arch[0] == WORKER.JEQ and check_arch[3] == WORKER.ARCHES[machine][1]
    assert deny_other_arch == (WORKER.RET, 0, 0, WORKER.RET_ERRNO | WORKER.EPERM)
    assert instructions[-1] == (WORKER.RET, 0, 0, WORKER.RET_ALLOW)
    assert len(instructions) <= 4096  # the kernel's BPF_MAXINSNS


def test_an_unknown_architecture_has_no_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WORKER.os, "uname", lambda: type("U", (), {"machine": "sparc64"})())
    with pytest.raises(KeyError):
        WORKER._seccomp_program()
