"""`auto` (the default): Docker where an engine and the image are there, else bubblewrap."""

import logging
from typing import Literal

from codescale.execution.backends.docker import ContainerSettings, DockerSandboxConfig
from codescale.execution.backends.local import LocalSandboxConfig
from codescale.execution.errors import SandboxUnavailable
from codescale.execution.protocol import Sandbox

log = logging.getLogger(__name__)


class AutoSandboxConfig(ContainerSettings):
    """Docker with these settings, or the local sandbox (with a warning) when Docker fails."""

    backend: Literal["auto"] = "auto"

    def open(self) -> Sandbox:
        """Docker, or bubblewrap; SandboxUnavailable naming both causes when neither runs."""
        try:
            return DockerSandboxConfig(**self.model_dump(exclude={"backend"})).open()
        except SandboxUnavailable as docker_problem:
            log.warning("%s; using the local bubblewrap sandbox instead", docker_problem)
            try:
                return LocalSandboxConfig(**self.shared()).open()
            except SandboxUnavailable as local_problem:
                raise SandboxUnavailable(f"{docker_problem}; and {local_problem}"
                                         ) from local_problem
