"""A real local sandbox, and one uninterrupted evaluation of the scenario shared by the tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from codescale.evaluation.run import evaluate
from codescale.evaluation.summary import EvalSummary
from codescale.execution.protocol import Sandbox
from tests.evaluation import scenario


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The bubblewrap sandbox with two workers."""
    with scenario.config(Path(".")).sandbox.open() as opened:
        yield opened


@pytest.fixture(scope="session")
def evaluated(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, EvalSummary]:
    """The run directory and summary of an uninterrupted evaluation of the scenario."""
    run_dir = tmp_path_factory.mktemp("uninterrupted")
    summary = evaluate("scenario", scenario.PROBLEMS, scenario.config(run_dir),
                       scenario.generator(), sandbox)
    return run_dir, summary
