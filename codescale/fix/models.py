"""The records of a fix run: test runs, patches, their verification, and the report."""

from typing import Literal

from pydantic import Field

from codescale.models import Comparison, Cost, Frozen

Outcome = Literal["passed", "failed", "error", "skipped"]
FixStatus = Literal["fixed", "already_passing", "no_fix"]
REPOSITORY = "repository"  # the problem id a fix run records its work and spending under
COMMAND_TEST = "<test command>"  # the one pseudo-test of a command without a pytest report


class TestOutcome(Frozen):
    """One test of a run: its pytest node id, outcome and failure text (traceback)."""

    __test__ = False  # not a pytest test class

    id: str
    outcome: Outcome
    file: str | None = None
    text: str = ""

    @property
    def ok(self) -> bool:
        """True when the test did not fail or error."""
        return self.outcome in ("passed", "skipped")


class TestRun(Frozen):
    """What running the test command on one copy of the repository showed.

    `exit_code` is None when the command ran out of time. Without a pytest report the
    whole command counts as one test, `COMMAND_TEST`, passing when it exits with 0.
    """

    __test__ = False

    exit_code: int | None
    output: str = ""
    tests: tuple[TestOutcome, ...] = ()

    def outcome(self, test_id: str) -> TestOutcome | None:
        """The outcome of one test, None when this run did not have it."""
        return next((t for t in self.tests if t.id == test_id), None)

    @property
    def failing(self) -> tuple[TestOutcome, ...]:
        """Tests that failed or errored."""
        return tuple(t for t in self.tests if not t.ok)

    @property
    def passing_ids(self) -> frozenset[str]:
        """Ids of the tests that passed."""
        return frozenset(t.id for t in self.tests if t.outcome == "passed")


class Patch(Frozen):
    """A candidate fix: new contents of some files, as a unified diff against the repository."""

    id: str
    files: dict[str, str] = Field(description="path -> patched content, changed files only")
    diff: str
    parent_id: str | None = None
    round: int = Field(default=0, ge=0)
    answer: str = Field(default="", description="the model answer it came from")

    @property
    def size(self) -> int:
        """Changed lines (added plus removed): the tie-breaker, smaller is better."""
        return sum(1 for line in self.diff.splitlines()
                   if line[:1] in "+-" and not line.startswith(("+++", "---")))


class Verification(Frozen):
    """A patch's test run judged against the run before it."""

    patch_id: str
    run: TestRun
    fixed: tuple[str, ...] = Field(description="tests failing before that pass now")
    still_failing: tuple[str, ...]
    broken: tuple[str, ...] = Field(description="tests passing before that do not now")

    @property
    def verified(self) -> bool:
        """Every failing test passes and nothing that passed broke."""
        return not self.still_failing and not self.broken


class Selection(Frozen):
    """The patch chosen among the verified ones, and the evidence."""

    chosen: Patch
    comparisons: tuple[Comparison, ...] = Field(
        default=(), description="the matches played; `problem_id` names the probed function")
    inputs: int = Field(default=0, description="distinguishing inputs every patch was run on")
    reason: str


class FixReport(Frozen):
    """Everything a fix run found, for the summary and the exit code."""

    command: str
    baseline: TestRun
    status: FixStatus
    candidates: int = Field(default=0, description="distinct patches proposed")
    verified: tuple[Patch, ...] = ()
    selection: Selection | None = None
    chosen_verification: Verification | None = None
    cost: Cost = Cost()
    reason: str = ""
