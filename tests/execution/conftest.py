"""Sandboxes of both backends for the execution tests (real Docker, real bubblewrap)."""

import os
from collections.abc import Iterator

import pytest

from codescale.execution import SandboxJob
from codescale.execution.config import sandbox_config
from codescale.execution.pool import WorkerPool
from codescale.execution.registry import SandboxSettings
from codescale.models import TestCase

HOST_SECRET = "codescale-host-secret-5f1c9a"
BACKENDS = [pytest.param("docker", marks=pytest.mark.docker), "local"]


def small_limits(backend: str, pool_size: int) -> SandboxSettings:
    """Small limits so that hostile programs hit them fast."""
    container = {"container_memory_mb": 512} if backend == "docker" else {}
    return sandbox_config(backend=backend, pool_size=pool_size, output_limit_bytes=1 << 20,
                          max_processes=32, scratch_mb=16, **container)


@pytest.fixture(scope="module", params=BACKENDS)
def sandbox(request: pytest.FixtureRequest) -> Iterator[WorkerPool]:
    """A two-worker sandbox of each backend, started with a secret in the host environment."""
    os.environ["CODESCALE_TEST_SECRET"] = HOST_SECRET
    with small_limits(request.param, pool_size=2).open() as opened:
        yield opened


def job(code: str, *inputs: str, expected: str | None = None, io: str = "stdin",
        entry_point: str | None = None, time_limit_s: float = 1.0,
        memory_limit_mb: int = 128) -> SandboxJob:
    """A job running `code` on `inputs`, each expecting `expected`."""
    return SandboxJob(candidate_id="candidate", code=code, io=io, entry_point=entry_point,
                      tests=tuple(TestCase(input=text, expected=expected) for text in inputs),
                      time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb)
