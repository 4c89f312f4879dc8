"""A killed evaluation (kill -9 in a subprocess) resumes without redoing stored work and ends
with the same numbers, costs included, as an uninterrupted one."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from codescale.evaluation.artifacts import RESULTS
from codescale.evaluation.run import evaluate
from codescale.evaluation.summary import EvalSummary
from codescale.execution.protocol import Sandbox
from tests.evaluation import scenario

REPO = Path(__file__).resolve().parents[2]


def _without_wall_time(value: Any) -> Any:
    """A JSON value with every wall time dropped (the one number a resume may change)."""
    if isinstance(value, dict):
        return {k: _without_wall_time(v) for k, v in value.items() if k != "wall_time_s"}
    if isinstance(value, list):
        return [_without_wall_time(v) for v in value]
    return value


def _numbers(summary: EvalSummary, run_dir: Path) -> tuple[Any, Any]:
    lines = [json.loads(line) for line in (run_dir / RESULTS).read_text().splitlines()]
    return _without_wall_time(summary.model_dump(mode="json")), _without_wall_time(lines)


def _kill_when_marked(run_dir: Path, marker: Path, kind: str) -> None:
    child = subprocess.Popen([sys.executable, "-m", "tests.evaluation.crash_eval", str(run_dir),
                              str(marker), kind], cwd=REPO)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, f"the run ended before reaching {kind}"
        assert time.monotonic() < deadline, f"the run never reached {kind}"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["revise", "adjudicate", "judge", "hidden"])
def test_a_killed_evaluation_resumes_to_the_same_numbers(
        kind: str, tmp_path: Path, sandbox: Sandbox,
        evaluated: tuple[Path, EvalSummary]) -> None:
    run_dir = tmp_path / "run"
    _kill_when_marked(run_dir, tmp_path / "marker", kind)

    generator = scenario.generator()
    summary = evaluate("scenario", scenario.PROBLEMS, scenario.config(run_dir), generator,
                       sandbox)

    assert "sample" not in {k for kinds in generator.kinds() for k in kinds}  # nothing redone
    assert kind == "hidden" or kind in {k for kinds in generator.kinds() for k in kinds}
    assert _numbers(summary, run_dir) == _numbers(evaluated[1], evaluated[0])
