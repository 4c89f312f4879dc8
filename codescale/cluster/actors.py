"""The work Ray actors do on a node: a generation replica holds one opened generator backend,
a sandbox executor holds that node's warm sandbox pool. Plain classes: `Cluster` makes them
Ray actors, so this module imports without Ray."""

from collections.abc import Sequence

from codescale.execution.protocol import SandboxJob
from codescale.execution.registry import SandboxSettings
from codescale.execution.workspace import WorkspaceJob, WorkspaceResult
from codescale.llm.protocol import GenerationRequest, GenerationResult
from codescale.llm.registry import GeneratorConfig
from codescale.models import Execution


def with_threads(llm: GeneratorConfig, cpus: float) -> GeneratorConfig:
    """`llm` with its CPU thread count set to the replica's CPUs where the backend has one
    and it is unset (an unset count means every core of the node, which several replicas on
    one node would oversubscribe)."""
    if getattr(llm, "n_threads", 0) is None:
        return llm.model_copy(update={"n_threads": max(1, round(cpus))})
    return llm


class GenerationReplica:
    """One generator backend, opened on the node Ray placed this actor on."""

    def __init__(self, llm: GeneratorConfig, cpus: float) -> None:
        self._generator = with_threads(llm, cpus).open()

    def name(self) -> str:
        """The backend's `backend:model` name."""
        return self._generator.name

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Generate a shard of a batch."""
        return self._generator.generate(requests)


class SandboxExecutor:
    """One node's sandbox (its own warm pool of Docker or bubblewrap workers)."""

    def __init__(self, settings: SandboxSettings) -> None:
        self._sandbox = settings.open()

    def backend(self) -> str:
        """Which isolation runs the programs on this node."""
        return self._sandbox.backend

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        """Run a shard of the jobs across this node's pool."""
        return self._sandbox.run_many(jobs)

    def run_workspaces(self, jobs: Sequence[WorkspaceJob]) -> list[WorkspaceResult]:
        """Run a shard of the workspace jobs across this node's pool."""
        return self._sandbox.run_workspaces(jobs)

    def close(self) -> None:
        """Release the node's containers and processes."""
        self._sandbox.close()
