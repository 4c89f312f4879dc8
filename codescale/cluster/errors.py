"""Errors of the Ray path."""

from codescale.errors import CodescaleError


class ClusterError(CodescaleError):
    """Ray is missing, the cluster is unreachable, or an actor cannot do its work."""

