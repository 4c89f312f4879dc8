"""Host side of the sandbox: backends, the worker pool, output comparison."""

from codescale.execution.compare import outputs_match
from codescale.execution.config import SandboxConfig, sandbox_config
from codescale.execution.errors import BadJob, SandboxError, SandboxUnavailable
from codescale.execution.protocol import Sandbox, SandboxJob

__all__ = ["BadJob", "Sandbox", "SandboxConfig", "SandboxError", "SandboxJob",
           "SandboxUnavailable", "outputs_match", "sandbox_config"]
