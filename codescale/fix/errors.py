"""The errors of the CI bot; each message is one line naming the cause."""

from codescale.errors import CodescaleError


class FixError(CodescaleError):
    """The bot cannot work on this repository or test command; the message says why."""


class TestCommandError(FixError):
    """The test command cannot run in the sandbox (missing tool, usage error, no tests)."""

    __test__ = False  # not a pytest test class
