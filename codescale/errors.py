"""The root of every error codescale raises on bad input or an unusable environment.

Each subclass's message is one line naming the cause; `except CodescaleError` catches them
all (the command line prints it as `error: ...` and exits with 1).
"""


class CodescaleError(Exception):
    """Base of every codescale error."""


def first_line(error: BaseException, last: bool = False) -> str:
    """An error's message as one line: its first non-empty line, or with `last` its last one
    (an error raised inside a Ray actor ends with the actor's own message); its type's name
    when it has none."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1 if last else 0] if lines else type(error).__name__
