"""`docker`: a warm pool of locked-down containers of the sandbox image, one worker each."""

from typing import ClassVar, Literal

from pydantic import Field

from codescale.execution.protocol import Sandbox
from codescale.execution.registry import SandboxSettings


class ContainerSettings(SandboxSettings):
    """Settings of backends that run containers of the sandbox image."""

    image: str = "codescale-sandbox:latest"
    container_memory_mb: int = Field(default=1536, ge=64,
                                     description="memory cap of a whole worker, scratch included")
    container_cpus: float = Field(default=1.0, gt=0, description="CPU share of one container")
    DECISIVE: ClassVar[tuple[str, ...]] = (*SandboxSettings.DECISIVE, "container_memory_mb",
                                           "container_cpus")


class DockerSandboxConfig(ContainerSettings):
    """The Docker engine runs every program (an error when it cannot)."""

    backend: Literal["docker"] = "docker"

    def open(self) -> Sandbox:
        """The container pool, started."""
        from codescale.execution.docker_backend import open_docker_sandbox

        return open_docker_sandbox(self)
