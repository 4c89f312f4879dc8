"""The default scorer (problem files): every hidden test case passes, by the sandbox's verdict."""

from pathlib import Path

from codescale.models import Problem
from codescale.problems.files import load_problem_file
from codescale.scoring.plain import PLAIN
from codescale.scoring.scorer import RunJobs
from codescale.scoring.sources import has_hidden_verdict, scorer_for
from codescale.scoring.verdicts import Submission, judge

MEDIAN = load_problem_file(Path(__file__).resolve().parents[2] / "problems" / "median.yaml")
RIGHT = ("def median(values):\n    s = sorted(values)\n    n = len(s)\n"
         "    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2\n")
LOWER_MIDDLE = "def median(values):\n    return sorted(values)[(len(values) - 1) // 2]\n"


def test_a_problem_file_is_judged_on_its_hidden_cases(run_jobs: RunJobs) -> None:
    assert scorer_for(MEDIAN) is PLAIN and has_hidden_verdict(MEDIAN)
    right, lower = judge(run_jobs, [Submission(MEDIAN, "right", RIGHT),
                                    Submission(MEDIAN, "lower", LOWER_MIDDLE)])
    assert right.passed is True and len(right.executions) == len(MEDIAN.hidden_tests)
    assert lower.passed is False  # right on odd lengths only, as the public tests show


def test_one_job_with_every_hidden_case() -> None:
    [job] = PLAIN.jobs(MEDIAN, "c", RIGHT)
    assert job == (MEDIAN, "c", RIGHT, MEDIAN.hidden_tests)


def test_missing_runs_give_no_verdict() -> None:
    assert PLAIN.verdict(MEDIAN, [None]) is None
    assert judge(lambda jobs: [None] * len(jobs), [Submission(MEDIAN, "c", RIGHT)])[0].passed \
        is None


def test_a_problem_without_hidden_tests_has_no_verdict() -> None:
    bare = Problem(id="bare", statement="s", io="stdin", source="problems/bare.yaml")
    assert not has_hidden_verdict(bare) and PLAIN.jobs(bare, "c", "print(1)") == []
    assert judge(lambda jobs: [], [Submission(bare, "c", "print(1)")])[0].passed is None
