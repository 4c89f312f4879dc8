"""The bot for real: the embedded model proposes patches for seeded bugs, the Docker sandbox
runs the fixture repositories' own test suites."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from codescale.execution.config import sandbox_config
from codescale.execution.pool import WorkerPool
from codescale.fix.sandbox_runs import SandboxRuns
from codescale.fix.snapshot import Snapshot
from codescale.llm.llamacpp import LlamaCppGenerator
from codescale.llm.model_file import embedded_model_path
from tests.fix.conftest import REPOS, fix_config, run_fix

pytestmark = [pytest.mark.model, pytest.mark.docker]
SEEDED = {"off_by_one": "test_series.py::test_sum_to_small",
          "wrong_condition": "test_parity.py::test_is_even",
          "missing_edge_case": "test_stats.py::test_average_of_nothing"}
SMALL = fix_config(n=3, rounds=0, max_tokens=256, feedback_chars=600, llm_inputs=2,
                   hypothesis_inputs=5)


@pytest.fixture(scope="module")
def model() -> LlamaCppGenerator:
    return LlamaCppGenerator(embedded_model_path(), n_ctx=4096, n_threads=2)


@pytest.fixture(scope="module")
def docker_sandbox() -> Iterator[WorkerPool]:
    with sandbox_config(backend="docker", pool_size=2).open() as opened:
        yield opened


@pytest.mark.parametrize("name", sorted(SEEDED))
def test_bot_runs_on_a_seeded_bug(name: str, model: LlamaCppGenerator,
                                  docker_sandbox: WorkerPool, tmp_path: Path) -> None:
    snapshot = Snapshot.read(REPOS / name)
    report = run_fix(REPOS / name, model, docker_sandbox, tmp_path, SMALL)

    assert [t.id for t in report.baseline.failing] == [SEEDED[name]]
    assert report.cost.llm_calls >= 1 and report.cost.completion_tokens > 0
    assert report.status in ("fixed", "no_fix")
    runs = SandboxRuns(docker_sandbox, snapshot, SMALL.fix.test_command)
    reruns = runs.tests([p.files for p in report.verified])
    for patch, rerun in zip(report.verified, reruns, strict=True):
        assert rerun.exit_code == 0 and not rerun.failing, patch.diff  # verified means green
    if name == "missing_edge_case":  # the embedded model fixes this one
        assert report.status == "fixed"
        chosen = report.selection.chosen
        assert "if not values" in chosen.diff or "len(values) == 0" in chosen.diff
