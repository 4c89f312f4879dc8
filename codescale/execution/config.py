"""The `[sandbox]` table: the settings of the sandbox backend that `backend` names (`auto`
when absent); each backend's own settings model comes from `codescale.execution.registry`."""

from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from codescale.execution.registry import SandboxSettings, backends
from codescale.plugins import tagged_union

DEFAULT_BACKEND = "auto"

if TYPE_CHECKING:
    SandboxConfig = SandboxSettings
else:
    SandboxConfig = tagged_union(backends(), DEFAULT_BACKEND)


_TABLE: TypeAdapter[SandboxSettings] = TypeAdapter(SandboxConfig)


def sandbox_config(**values: Any) -> SandboxSettings:
    """The validated settings of the backend `backend` names (`auto` when absent)."""
    settings: SandboxSettings = _TABLE.validate_python(values)
    return settings
