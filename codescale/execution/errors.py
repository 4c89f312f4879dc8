"""Errors of the execution layer; each message is one line naming the cause."""

from codescale.errors import CodescaleError


class SandboxError(CodescaleError):
    """Base of every sandbox error."""


class SandboxUnavailable(SandboxError):
    """No isolation backend can run programs here (no engine, no image, no bubblewrap)."""


class BadJob(SandboxError):
    """A job that cannot be run as given (e.g. call arguments that are not a JSON array)."""
