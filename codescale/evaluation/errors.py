"""The error of the evaluation commands: one line naming the cause."""

from codescale.errors import CodescaleError


class EvalError(CodescaleError):
    """An evaluation cannot start, its outputs cannot be written, or its run directory
    cannot be read."""
