"""Choosing and opening a sandbox backend."""

import logging

from codescale.execution.config import SandboxConfig
from codescale.execution.docker_backend import open_docker_sandbox
from codescale.execution.errors import SandboxUnavailable
from codescale.execution.local_backend import open_local_sandbox
from codescale.execution.pool import WorkerPool

log = logging.getLogger(__name__)


def open_sandbox(config: SandboxConfig) -> WorkerPool:
    """The sandbox `config.backend` names; `auto` is Docker, or local with a warning.

    Raises SandboxUnavailable (one line, naming the cause) when no backend can run.
    """
    if config.backend == "docker":
        return open_docker_sandbox(config)
    if config.backend == "local":
        return open_local_sandbox(config)
    try:
        return open_docker_sandbox(config)
    except SandboxUnavailable as docker_problem:
        log.warning("%s; using the local bubblewrap sandbox instead", docker_problem)
        try:
            return open_local_sandbox(config)
        except SandboxUnavailable as local_problem:
            raise SandboxUnavailable(f"{docker_problem}; and {local_problem}") from local_problem
