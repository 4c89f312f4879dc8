"""The default scorer (problem files): every hidden test case must pass."""

from collections.abc import Sequence

from codescale.models import Execution, Problem, Status, TestCase
from codescale.scoring.scorer import Job, Scorer


class HiddenTests(Scorer):
    """Judges by the problem's hidden test cases, one job running them all."""

    def has_verdict(self, problem: Problem) -> bool:
        """True when the problem has hidden test cases."""
        return bool(problem.hidden_tests)

    def jobs(self, problem: Problem, candidate_id: str, code: str) -> list[Job]:
        """The hidden test cases, as one job (none without hidden tests)."""
        if not problem.hidden_tests:
            return []
        return [Job(problem, candidate_id, code, problem.hidden_tests)]

    def passes(self, problem: Problem, runs: Sequence[Sequence[Execution]]) -> bool:
        """True when every hidden test case passed."""
        return all(self.passed(problem, test, run)
                   for test, run in zip(problem.hidden_tests, runs[0], strict=True))

    def passed(self, problem: Problem, test: TestCase, run: Execution) -> bool:
        """One hidden test case's verdict: the sandbox's comparison."""
        return run.status == Status.PASSED


PLAIN = HiddenTests()
