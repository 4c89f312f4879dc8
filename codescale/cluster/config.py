"""The `[cluster]` table: which Ray cluster runs generation and execution, and how much of it."""

from pydantic import Field

from codescale.models import Frozen


class ClusterConfig(Frozen):
    """Where the work runs: in this process (no `ray_address`) or on a Ray cluster.

    Run manifests leave these settings out, so a run may resume on or off a cluster: with one
    replica a clustered run returns what a local one does; with several, a backend whose
    samples depend on their batch (the embedded llama.cpp model) draws other, equally valid
    samples for the requests that land on other replicas."""

    ray_address: str | None = Field(
        default=None, description="'auto', 'HOST:PORT' of a head node, or 'ray://HOST:10001'; "
                                  "unset: everything runs in this process")
    replicas: int = Field(default=1, ge=1, description="generation replicas (Ray actors), each "
                                                       "holding one generator backend")
    replica_cpus: float = Field(default=1.0, ge=0, description="CPUs each replica reserves (and "
                                                               "the embedded model's threads)")
    replica_gpus: float = Field(default=0.0, ge=0, description="GPUs each replica reserves")
    executor_cpus: float = Field(default=1.0, ge=0, description="CPUs each node's sandbox "
                                                                "executor reserves")
    restarts: int = Field(default=4, ge=0, description="times an actor lost with its node is "
                                                       "restarted elsewhere, its calls retried")
