"""The error of the evaluation commands: one line naming the cause."""


class EvalError(Exception):
    """An evaluation cannot start, its outputs cannot be written, or its run directory
    cannot be read."""
