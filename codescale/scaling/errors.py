"""The error the scaling stages raise on bad input."""


class ScalingError(Exception):
    """A problem, candidate or answer cannot be processed; the message names the cause."""
