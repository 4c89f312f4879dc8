"""The error every problem loader raises: one line per defect, naming file, field and cause."""

from codescale.errors import CodescaleError


class ProblemLoadError(CodescaleError):
    """A problem source could not be loaded; `lines` holds one message per defect."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))
