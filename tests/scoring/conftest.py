"""A real local sandbox, and a job runner over it, for the scorer tests."""

from collections.abc import Iterator, Sequence

import pytest

from codescale.execution import SandboxJob
from codescale.execution.config import sandbox_config
from codescale.execution.protocol import Sandbox
from codescale.models import Execution
from codescale.scoring.scorer import Job, RunJobs


@pytest.fixture(scope="session")
def scoring_sandbox() -> Iterator[Sandbox]:
    """The bubblewrap sandbox with two workers."""
    with sandbox_config(backend="local", pool_size=2).open() as opened:
        yield opened


@pytest.fixture()
def run_jobs(scoring_sandbox: Sandbox) -> RunJobs:
    """Runs scorer jobs in the real sandbox, as `Runner.execute` would (without a store)."""
    def run(jobs: Sequence[Job]) -> list[list[Execution]]:
        return scoring_sandbox.run_many([SandboxJob.for_problem(*job) for job in jobs])
    return run
