"""The Sandbox contract: run one candidate on many inputs, return one Execution per input;
and run whole-workspace jobs (codescale.execution.workspace)."""

from collections.abc import Sequence
from typing import Protocol

from pydantic import Field

from codescale.execution.workspace import WorkspaceJob, WorkspaceResult
from codescale.models import Execution, Frozen, IOStyle, Problem, TestCase


class SandboxJob(Frozen):
    """One candidate program and the inputs to run it on (one process start for all)."""

    candidate_id: str
    code: str
    io: IOStyle
    entry_point: str | None = None
    tests: tuple[TestCase, ...] = Field(min_length=1)
    time_limit_s: float = Field(default=2.0, gt=0, description="per input")
    memory_limit_mb: int = Field(default=256, gt=0)

    @classmethod
    def for_problem(cls, problem: Problem, candidate_id: str, code: str,
                    tests: Sequence[TestCase]) -> "SandboxJob":
        """A job that runs `code` as a solution of `problem` on `tests`."""
        return cls(candidate_id=candidate_id, code=code, io=problem.io,
                   entry_point=problem.entry_point, tests=tuple(tests),
                   time_limit_s=problem.time_limit_s, memory_limit_mb=problem.memory_limit_mb)


class Sandbox(Protocol):
    """Runs untrusted programs in isolation. Results come back in input order."""

    backend: str
    """Which isolation runs the programs (`docker`, `local`, ...)."""

    def run(self, job: SandboxJob) -> list[Execution]:
        """Run one job; one Execution per test, in order."""
        ...

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        """Run jobs concurrently across the pool; results in job order."""
        ...

    def run_workspaces(self, jobs: Sequence[WorkspaceJob]) -> list[WorkspaceResult]:
        """Run whole-workspace jobs (files in, a command, files out), each in a fresh sandbox,
        concurrently across the pool; results in job order."""
        ...

    def close(self) -> None:
        """Release containers and processes."""
        ...
