"""The root of every error codescale raises on bad input or an unusable environment.

Each subclass's message is one line naming the cause; `except CodescaleError` catches them
all (the command line prints it as `error: ...` and exits with 1).
"""


class CodescaleError(Exception):
    """Base of every codescale error."""
