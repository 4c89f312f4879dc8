"""SandboxRuns on the real local sandbox: suites whose reports run to megabytes come back
whole, probes report through a file, and a command past its time is stopped."""

from pathlib import Path

import pytest

from codescale.execution.pool import WorkerPool
from codescale.fix.errors import TestCommandError
from codescale.fix.models import COMMAND_TEST
from codescale.fix.sandbox_runs import OUTPUT_KEEP, SandboxRuns, check_runnable
from codescale.fix.snapshot import Snapshot

BIG_SUITE = '''
import pytest

@pytest.mark.parametrize("n", range(3000))
def test_number(n):
    print("chatter " * 50)
    assert n % 10 != 7, "x" * 2000
'''
FUNCTIONS = '''
import time

def halve(n):
    print("noise " * 100000)
    return n / 2

def spin(n):
    while True:
        time.sleep(0.1)
'''


def _repo(tmp_path: Path, files: dict[str, str]) -> Snapshot:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return Snapshot.read(tmp_path)


def test_a_suite_with_megabytes_of_report_comes_back_whole(tmp_path: Path,
                                                           local_sandbox: WorkerPool) -> None:
    runs = SandboxRuns(local_sandbox, _repo(tmp_path, {"test_big.py": BIG_SUITE}),
                       "pytest -q --tb=long -rA")
    [run] = runs.tests([None])
    assert run.exit_code == 1 and len(run.tests) == 3000
    assert [t.id for t in run.failing][:2] == ["test_big.py::test_number[7]",
                                               "test_big.py::test_number[17]"]
    assert len(run.failing) == 300 and len(run.passing_ids) == 2700
    assert "300 failed, 2700 passed" in run.output and len(run.output) == OUTPUT_KEEP
    assert runs.executions == 1
    check_runnable(run, "pytest")  # failing tests are what the bot fixes, not an error


def test_probes_report_through_a_file_whatever_the_code_prints(
        tmp_path: Path, local_sandbox: WorkerPool) -> None:
    runs = SandboxRuns(local_sandbox, _repo(tmp_path, {"calc.py": FUNCTIONS}), "pytest")
    patched = {"calc.py": FUNCTIONS.replace("n / 2", "n // 2")}
    assert runs.probe([None, patched], "calc", "halve", ["[3]", '["a"]']) == [
        ["1.5", "error: TypeError: unsupported operand type(s) for /: 'str' and 'int'"],
        ["1", "error: TypeError: unsupported operand type(s) for //: 'str' and 'int'"]]
    assert runs.probe([None], "calc", "spin", ["[1]"]) == [["error: timeout"]]
    assert runs.probe([None], "calc", "absent", ["[1]"])[0][0].startswith(
        "error: cannot import calc.absent: AttributeError")
    assert runs.executions == 4


def test_a_command_past_its_time_is_stopped_and_named(tmp_path: Path,
                                                      local_sandbox: WorkerPool) -> None:
    runs = SandboxRuns(local_sandbox, _repo(tmp_path, {"README": "x"}),
                       "echo begun; sleep 600", timeout_s=1.0)
    [run] = runs.tests([None])
    assert run.exit_code is None and [t.id for t in run.tests] == [COMMAND_TEST]
    assert run.output.startswith("begun\n") and "did not finish within 1 s" in run.output
    with pytest.raises(TestCommandError, match="did not finish in time"):
        check_runnable(run, "echo begun; sleep 600")
