"""`local`: bubblewrap namespaces on this machine, for where no Docker engine runs."""

from typing import Literal

from codescale.execution.protocol import Sandbox
from codescale.execution.registry import SandboxSettings


class LocalSandboxConfig(SandboxSettings):
    """bubblewrap runs every program (no container memory cap or CPU share)."""

    backend: Literal["local"] = "local"

    def open(self) -> Sandbox:
        """The bubblewrap worker pool, started."""
        from codescale.execution.local_backend import open_local_sandbox

        return open_local_sandbox(self)
