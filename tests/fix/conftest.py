"""Fixture repositories for the CI bot live in repos/; their own tests are data, not ours."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from codescale.api import Session
from codescale.config import Config
from codescale.execution.config import sandbox_config
from codescale.execution.pool import WorkerPool
from codescale.execution.protocol import Sandbox
from codescale.fix.models import FixReport
from codescale.fix.snapshot import Snapshot
from codescale.llm.protocol import Generator

collect_ignore = ["repos"]
REPOS = Path(__file__).parent / "repos"


@pytest.fixture(scope="module")
def local_sandbox() -> Iterator[WorkerPool]:
    """A real two-worker bubblewrap sandbox."""
    with sandbox_config(backend="local", pool_size=2).open() as opened:
        yield opened


def fix_config(**scaling: object) -> Config:
    """Settings for a bot run in a test: small `[scaling]` values, no shared completion cache."""
    return Config.model_validate({"scaling": {"n": 4, "rounds": 1, "llm_inputs": 2,
                                              "hypothesis_inputs": 5, **scaling},
                                  "completion_cache": None})


def run_fix(root: Path, generator: Generator, sandbox: Sandbox, run_dir: Path,
            config: Config | None = None) -> FixReport:
    """The bot on the repository at `root`, recorded in `run_dir`."""
    with Session(config or fix_config(), generator=generator, sandbox=sandbox) as session:
        return session.fix(Snapshot.read(root), run_dir)
