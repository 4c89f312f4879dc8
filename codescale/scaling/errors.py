"""The error the scaling stages raise on bad input."""

from codescale.errors import CodescaleError


class ScalingError(CodescaleError):
    """A problem, candidate or answer cannot be processed; the message names the cause."""
