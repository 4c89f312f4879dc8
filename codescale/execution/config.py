"""Settings of the sandbox that runs candidate programs."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SandboxConfig(BaseModel):
    """Which isolation backend runs candidates, how many run at once, and their caps."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "docker", "local"] = "auto"
    image: str = "codescale-sandbox:latest"
    pool_size: int | None = Field(default=None, ge=1, description="workers; default = CPU cores")
    output_limit_bytes: int = Field(default=4 << 20, ge=1024,
                                    description="per stream and input; more is output_limit")
    max_processes: int = Field(default=64, ge=4, description="processes per worker")
    scratch_mb: int = Field(default=64, ge=1, description="size of the writable scratch directory")
    container_memory_mb: int = Field(default=1536, ge=64,
                                     description="memory cap of a whole worker, scratch included")
    container_cpus: float = Field(default=1.0, gt=0, description="CPU share of one container")
    kept_output_chars: int = Field(default=65536, ge=256,
                                   description="characters of stdout/stderr kept in an Execution")
