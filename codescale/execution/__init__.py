"""Host side of the sandbox: backends, the worker pool, output comparison."""

from codescale.execution.compare import outputs_match
from codescale.execution.config import SandboxConfig
from codescale.execution.errors import BadJob, SandboxError, SandboxUnavailable
from codescale.execution.factory import open_sandbox
from codescale.execution.protocol import Sandbox, SandboxJob

__all__ = ["BadJob", "Sandbox", "SandboxConfig", "SandboxError", "SandboxJob",
           "SandboxUnavailable", "open_sandbox", "outputs_match"]
