"""Progress with ETA per stage: the pipeline's batch events drive one bar per batch, and the
generator and sandbox pass each batch on in large chunks so the bars move within a batch."""

from collections.abc import Callable, Sequence
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from codescale.execution.protocol import Sandbox, SandboxJob
from codescale.execution.workspace import WorkspaceJob, WorkspaceResult
from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator
from codescale.models import Execution
from codescale.scaling.runner import Event

Advance = Callable[[int], None]


class ChunkedGenerator:
    """A generator that passes batches on in chunks of `chunk` requests, reporting each."""

    def __init__(self, inner: Generator, advance: Advance, chunk: int) -> None:
        self._inner, self._advance, self._chunk = inner, advance, chunk

    @property
    def name(self) -> str:
        """The wrapped generator's name."""
        return self._inner.name

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """The wrapped generator's results, produced chunk by chunk."""
        results: list[GenerationResult] = []
        for start in range(0, len(requests), self._chunk):
            part = requests[start:start + self._chunk]
            results.extend(self._inner.generate(part))
            self._advance(len(part))
        return results


class ChunkedSandbox:
    """A sandbox that runs job batches in chunks of `chunk` jobs, reporting each."""

    def __init__(self, inner: Sandbox, advance: Advance, chunk: int) -> None:
        self._inner, self._advance, self._chunk = inner, advance, chunk
        self.backend = inner.backend

    def run(self, job: SandboxJob) -> list[Execution]:
        """Run one job."""
        return self.run_many([job])[0]

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        """The wrapped sandbox's results, produced chunk by chunk."""
        results: list[list[Execution]] = []
        for start in range(0, len(jobs), self._chunk):
            part = jobs[start:start + self._chunk]
            results.extend(self._inner.run_many(part))
            self._advance(len(part))
        return results

    def run_workspaces(self, jobs: Sequence[WorkspaceJob]) -> list[WorkspaceResult]:
        """The wrapped sandbox's workspace runs, as one batch."""
        return self._inner.run_workspaces(jobs)

    def close(self) -> None:
        """Close the wrapped sandbox."""
        self._inner.close()


class StageBars:
    """A rich progress display on standard error: a bar with ETA for each batch of a stage."""

    def __init__(self, console: Console) -> None:
        self._bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                              MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("ETA"),
                              TimeRemainingColumn(), console=console)
        self._current: TaskID | None = None
        self._stage = ""

    def __enter__(self) -> "StageBars":
        self._bars.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is not None:  # the error line stands alone
            for task in self._bars.task_ids:
                self._bars.remove_task(task)
        self._bars.__exit__(kind, error, trace)

    def show(self, event: Event) -> None:
        """A pipeline event: a batch starts (new bar), ends (its bar full), or a step is named."""
        if event.total and event.done == 0:
            self._stage = event.stage
            self._current = self._bars.add_task(f"{event.stage}: {event.message}",
                                                total=event.total)
        elif event.total and event.stage == self._stage and self._current is not None:
            self._bars.update(self._current, completed=event.total)
        else:
            self._bars.console.print(f"{event.stage}: {event.message}", highlight=False)

    def advance(self, count: int) -> None:
        """Work done within the current batch."""
        if self._current is not None:
            self._bars.advance(self._current, count)
