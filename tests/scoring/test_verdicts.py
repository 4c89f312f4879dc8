"""Judging many candidates in one batch, and the verdicts of answers (abstentions fail)."""

from collections.abc import Sequence

from codescale.models import Answer, Execution, Problem, Status, TestCase
from codescale.scoring.scorer import Job
from codescale.scoring.verdicts import Submission, answer_verdicts, judge
from tests.evaluation.scenario import ADD

STDIN = Problem(id="stdin", statement="s", io="stdin",
                hidden_tests=(TestCase(input="1\n", expected="1\n"),
                              TestCase(input="2\n", expected="2\n")))
BARE = Problem(id="bare", statement="s", io="stdin")


class Recorded:
    """A job runner that passes the programs named `good`, and records every batch."""

    def __init__(self) -> None:
        self.batches: list[list[Job]] = []

    def __call__(self, jobs: Sequence[Job]) -> list[list[Execution]]:
        self.batches.append(list(jobs))
        return [[Execution(candidate_id=job.candidate_id, input=test.input,
                           status=self._status(job, test)) for test in job.tests]
                for job in jobs]

    @staticmethod
    def _status(job: Job, test: TestCase) -> Status:
        if "good" not in job.code:
            return Status.WRONG_ANSWER
        return Status.PASSED if test.expected is not None else Status.COMPLETED


def test_one_batch_judged_per_submission() -> None:
    runner = Recorded()
    judged = judge(runner, [Submission(STDIN, "a", "good"), Submission(ADD, "b", "bad"),
                            Submission(BARE, "c", "good"), Submission(ADD, "d", "good")])
    assert len(runner.batches) == 1
    assert [job.candidate_id for job in runner.batches[0]] == ["a", "b", "b", "d", "d"]
    assert [j.passed for j in judged] == [True, False, None, True]
    assert [len(j.executions) for j in judged] == [2, 2, 0, 2]


def _answer(problem: Problem, code: str | None) -> Answer:
    if code is None:
        return Answer(problem_id=problem.id, strategy="s", abstained=True)
    return Answer(problem_id=problem.id, strategy="s", candidate_id=f"{problem.id}-c", code=code)


def test_answer_verdicts() -> None:
    problems = [STDIN, ADD, BARE]
    answers = [_answer(STDIN, "good"), _answer(ADD, None), _answer(BARE, "good")]
    assert answer_verdicts(Recorded(), problems, answers) == {
        "stdin": True, "add": False, "bare": None}
    assert answer_verdicts(lambda jobs: [None] * len(jobs), problems, answers) == {
        "stdin": None, "add": False, "bare": None}
