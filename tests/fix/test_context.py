"""Failing tests from a real sandbox run, the context they point at, and regression detection."""

import pytest

from codescale.execution.config import sandbox_config
from codescale.execution.pool import WorkerPool
from codescale.fix.context import gather
from codescale.fix.models import TestOutcome, TestRun
from codescale.fix.sandbox_runs import SandboxRuns
from codescale.fix.snapshot import Snapshot
from codescale.fix.verify import verify
from tests.fix.conftest import REPOS


def test_failing_test_points_at_the_function_it_calls(local_sandbox: WorkerPool) -> None:
    snapshot = Snapshot.read(REPOS / "off_by_one")
    run = SandboxRuns(local_sandbox, snapshot, "python -m pytest -q").tests([None])[0]
    assert run.exit_code == 1
    assert [(t.id, t.outcome) for t in run.tests] == [
        ("test_series.py::test_sum_to_small", "failed"),
        ("test_series.py::test_sum_to_zero", "passed"),
        ("test_series.py::test_sum_of_squares", "passed")]
    assert "assert 3 == 6" in run.failing[0].text

    context = gather(snapshot, run.failing)
    assert [f.qualname for f in context.test_bodies] == ["test_sum_to_small"]
    assert [(f.path, f.qualname) for f in context.suspects] == [("series.py", "sum_to")]


def test_traceback_frames_name_the_suspect(local_sandbox: WorkerPool) -> None:
    snapshot = Snapshot.read(REPOS / "missing_edge_case")
    run = SandboxRuns(local_sandbox, snapshot, "pytest -q").tests([None])[0]
    context = gather(snapshot, run.failing)
    assert context.suspects[0].qualname == "average"
    assert "spread" not in {f.qualname for f in context.suspects}


def _run(**outcomes: str) -> TestRun:
    return TestRun(exit_code=0, tests=tuple(TestOutcome(id=test, outcome=outcome)
                                            for test, outcome in outcomes.items()))


def test_verification_finds_fixes_leftovers_and_regressions() -> None:
    before = _run(a="failed", b="error", c="passed", d="passed", e="skipped")
    after = _run(a="passed", b="failed", c="failed", e="skipped")  # d vanished
    checked = verify("p1", before, after)
    assert (checked.fixed, checked.still_failing, checked.broken) == (("a",), ("b",), ("c", "d"))
    assert not checked.verified
    assert verify("p2", before, _run(a="passed", b="passed", c="passed", d="passed")).verified


@pytest.mark.docker
def test_docker_sandbox_runs_the_suite_the_same_way() -> None:
    snapshot = Snapshot.read(REPOS / "wrong_condition")
    with sandbox_config(backend="docker", pool_size=1).open() as sandbox:
        run = SandboxRuns(sandbox, snapshot, "pytest -q").tests([None])[0]
    assert [(t.id, t.outcome) for t in run.tests] == [
        ("test_parity.py::test_is_even", "failed"), ("test_parity.py::test_is_positive", "passed")]
