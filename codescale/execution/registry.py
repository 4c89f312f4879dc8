"""The sandbox backend registry: a backend is one module under `codescale.execution.backends`
(or named by a `codescale.sandboxes` entry point) defining a `SandboxSettings` subclass.

The subclass carries the backend's own settings (the `[sandbox]` table when `backend` names
it; settings of other backends are rejected) and opens the sandbox. `SandboxConfig` in
`codescale.execution.config` is the union of every registered subclass.
"""

from typing import Any, ClassVar

from pydantic import Field

from codescale.execution.protocol import Sandbox
from codescale.plugins import Registered, members


class SandboxSettings(Registered):
    """Settings every backend has: how many programs run at once and the caps of each."""

    family: ClassVar[dict[str, type[Registered]]] = {}
    pool_size: int | None = Field(default=None, ge=1, description="workers; default = CPU cores")
    output_limit_bytes: int = Field(default=4 << 20, ge=1024,
                                    description="per stream and input; more is output_limit")
    max_processes: int = Field(default=64, ge=4, description="processes per worker")
    scratch_mb: int = Field(default=64, ge=1, description="size of the writable scratch directory")
    kept_output_chars: int = Field(default=65536, ge=256,
                                   description="characters of stdout/stderr kept in an Execution")
    DECISIVE: ClassVar[tuple[str, ...]] = ("output_limit_bytes", "max_processes", "scratch_mb",
                                           "kept_output_chars")
    """Settings that can change a verdict (recorded in run manifests)."""

    def shared(self) -> dict[str, Any]:
        """The settings every backend has, to build another backend's settings from."""
        return self.model_dump(include=set(SandboxSettings.model_fields) - {"backend"})

    def open(self) -> Sandbox:
        """The sandbox these settings describe, started and ready (close it when done)."""
        raise NotImplementedError(f"{type(self).__name__} does not open a sandbox")


def backends() -> dict[str, type[SandboxSettings]]:
    """Every registered sandbox backend by name."""
    found = members(SandboxSettings, "codescale.execution.backends", "codescale.sandboxes")
    return {name: member for name, member in found.items() if issubclass(member, SandboxSettings)}
