"""Fixture repositories for the CI bot live in repos/; their own tests are data, not ours."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from codescale.execution import SandboxConfig, open_sandbox
from codescale.execution.pool import WorkerPool

collect_ignore = ["repos"]
REPOS = Path(__file__).parent / "repos"


@pytest.fixture(scope="module")
def local_sandbox() -> Iterator[WorkerPool]:
    """A real two-worker bubblewrap sandbox."""
    with open_sandbox(SandboxConfig(backend="local", pool_size=2)) as opened:
        yield opened
