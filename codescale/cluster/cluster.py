"""A connection to a Ray cluster and the actors codescale starts on it.

Ray Core actors rather than Ray Data: the stages alternate (sample, execute, revise, execute,
synthesize, adjudicate), each batch depends on the last one's results, and the actors hold
state that is expensive to rebuild (a loaded model, a warm pool of sandbox workers). Ray Data
suits one offline map over a dataset; here the driver keeps the run store and the loop, and
the actors are its long-lived generator and sandbox."""

import logging
import os
import socket
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

from codescale.cluster.actors import GenerationReplica, SandboxExecutor
from codescale.cluster.config import ClusterConfig
from codescale.cluster.errors import ClusterError
from codescale.cluster.ray_backends import RayGenerator, RaySandbox
from codescale.errors import first_line
from codescale.execution.registry import SandboxSettings
from codescale.llm.registry import GeneratorConfig

Started = TypeVar("Started")
NAMESPACE = "codescale"
REACH_TIMEOUT_S = 5.0
"""How long a head node's port may take to accept a connection (Ray itself retries for
minutes before giving up on an address where nothing listens)."""


def import_ray() -> ModuleType:
    """The `ray` module, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise ClusterError("a Ray address is set but Ray is not installed: "
                           "pip install 'codescale[cluster]'") from None
    return ray


class Cluster:
    """Connected on creation; `generator` and `sandbox` start actors; `close` stops them and
    disconnects."""

    def __init__(self, config: ClusterConfig) -> None:
        self.config = config
        self._ray = import_ray()
        self._actors: list[Any] = []
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        address = config.ray_address or "auto"
        try:
            check_reachable(address)
            self._ray.init(address=address, namespace=NAMESPACE, log_to_driver=False,
                           logging_level=logging.WARNING)
        except (OSError, RuntimeError, ValueError) as error:
            raise ClusterError(f"cannot reach the Ray cluster at {address}: "
                               f"{first_line(error)}") from None

    def _restartable(self) -> dict[str, int]:
        return {"max_restarts": self.config.restarts, "max_task_retries": self.config.restarts}

    def generator(self, llm: GeneratorConfig) -> RayGenerator:
        """`replicas` generation actors, spread over the nodes, each opening `llm`."""
        actor = self._ray.remote(GenerationReplica).options(
            num_cpus=self.config.replica_cpus, num_gpus=self.config.replica_gpus,
            scheduling_strategy="SPREAD", **self._restartable())
        replicas = [actor.remote(llm, self.config.replica_cpus)
                    for _ in range(self.config.replicas)]
        self._actors += replicas
        return self._started(lambda: RayGenerator(self._ray, replicas), "generation replica")

    def sandbox(self, settings: SandboxSettings) -> RaySandbox:
        """One sandbox executor per live node (placed there, and moved to another node if its
        node is lost), each opening `settings`."""
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        nodes = [node["NodeID"] for node in self._ray.nodes() if node["Alive"]]
        executors = [self._ray.remote(SandboxExecutor).options(
            num_cpus=self.config.executor_cpus, **self._restartable(),
            scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=True)
        ).remote(settings) for node in nodes]
        self._actors += executors
        return self._started(lambda: RaySandbox(self._ray, executors), "sandbox executor")

    def _started(self, wrap: Callable[[], Started], role: str) -> Started:
        try:
            return wrap()
        except self._ray.exceptions.RayError as error:
            raise ClusterError(f"a {role} could not start on the cluster: "
                               f"{first_line(error, last=True)}") from None

    def close(self) -> None:
        """Stop the actors this connection started and disconnect."""
        for actor in self._actors:
            self._ray.kill(actor)
        self._ray.shutdown()


def check_reachable(address: str) -> None:
    """Raise OSError when a `HOST:PORT` (or `ray://HOST:PORT`) address accepts no connection
    within REACH_TIMEOUT_S; `auto` is left to Ray, which fails at once when no cluster runs
    on this machine."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return
    with socket.create_connection((host, int(port)), timeout=REACH_TIMEOUT_S):
        pass
