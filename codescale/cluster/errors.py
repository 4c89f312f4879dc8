"""Errors of the Ray path."""

from codescale.errors import CodescaleError


class ClusterError(CodescaleError):
    """Ray is missing, the cluster is unreachable, or an actor cannot do its work."""


def first_line(error: BaseException) -> str:
    """An error's first non-empty line (Ray's messages run over several)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
