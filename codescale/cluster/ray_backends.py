"""The Generator and Sandbox contracts kept by Ray actors: each batch is split into contiguous
shards of about equal work, one per actor, run together, and joined in order."""

from collections.abc import Sequence
from typing import Any

from codescale.cluster.errors import ClusterError
from codescale.cluster.shards import balanced_slices
from codescale.errors import first_line
from codescale.execution.protocol import SandboxJob
from codescale.execution.workspace import WorkspaceJob, WorkspaceResult
from codescale.llm.protocol import GenerationRequest, GenerationResult
from codescale.models import Execution


def spread(ray: Any, actors: list[Any], method: str, items: Sequence[Any],
           weights: Sequence[float]) -> list[Any]:
    """Call `method` of each actor on one shard of `items` (all at once) and join the answers
    in item order. An error raised by the backend in an actor is raised here as itself (an
    unreachable endpoint stays that backend's one-line error)."""
    shards = balanced_slices(weights, len(actors))
    calls = [getattr(actor, method).remote(items[shard])
             for actor, shard in zip(actors[:len(shards)], shards, strict=True)]
    try:
        answered = ray.get(calls)
    except ray.exceptions.RayTaskError as error:
        raise error.cause from None
    except ray.exceptions.RayActorError as error:
        raise ClusterError(f"a cluster actor was lost for good: {first_line(error)}") from None
    return [answer for shard in answered for answer in shard]


class RayGenerator:
    """Generation replicas as one Generator: a batch's requests are sharded by their token
    allowance (`n * max_tokens`)."""

    def __init__(self, ray: Any, replicas: list[Any]) -> None:
        self._ray = ray
        self._replicas = replicas
        self.name: str = ray.get(replicas[0].name.remote())

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """One result per request, in order, generated across the replicas."""
        weights = [request.params.n * request.params.max_tokens for request in requests]
        return spread(self._ray, self._replicas, "generate", requests, weights)


class RaySandbox:
    """Sandbox executors, one per node, as one Sandbox: jobs are sharded by their test count."""

    def __init__(self, ray: Any, executors: list[Any]) -> None:
        self._ray = ray
        self._executors = executors
        self.nodes = len(executors)
        """Executors, one per node alive when the sandbox opened."""
        self.backend: str = ray.get(executors[0].backend.remote())

    def run(self, job: SandboxJob) -> list[Execution]:
        """Run one job on one node."""
        return self.run_many([job])[0]

    def run_many(self, jobs: Sequence[SandboxJob]) -> list[list[Execution]]:
        """Results in job order, run across every node's pool."""
        weights = [len(job.tests) for job in jobs]
        return spread(self._ray, self._executors, "run_many", jobs, weights)

    def run_workspaces(self, jobs: Sequence[WorkspaceJob]) -> list[WorkspaceResult]:
        """Results in job order, each job in a fresh sandbox on some node."""
        return spread(self._ray, self._executors, "run_workspaces", jobs, [1.0] * len(jobs))

    def close(self) -> None:
        """Release every node's containers and processes (an executor already lost with its
        node has nothing left to release)."""
        try:
            self._ray.get([executor.close.remote() for executor in self._executors])
        except self._ray.exceptions.RayActorError:
            pass
