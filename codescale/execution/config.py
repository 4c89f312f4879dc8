"""Settings of the sandbox that runs candidate programs."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SandboxConfig(BaseModel):
    """Which isolation backend runs candidates, and how many run at once."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "docker", "local"] = "auto"
    image: str = "codescale-sandbox:latest"
    pool_size: int | None = Field(default=None, ge=1, description="containers; default = CPU cores")
