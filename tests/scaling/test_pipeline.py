"""The whole pipeline on scripted doubles: batching, debugging, dedup, ids, resume, events."""

from pathlib import Path

import pytest

from codescale.llm.protocol import GenerationRequest
from codescale.models import Execution, Status, TestCase
from codescale.scaling.budget import Budget
from codescale.scaling.config import BudgetCaps
from codescale.scaling.errors import ScalingError
from codescale.scaling.pipeline import load_pools, solve
from codescale.scaling.prompts import failure_report
from codescale.scaling.public import run_public
from codescale.scaling.runner import Event, Runner
from codescale.scaling.sample import candidate_id, sample
from codescale.scaling.synthesize import synthesize
from codescale.store import RunStore
from tests.scaling.doubles import fenced, prompt_text
from tests.scaling.scenario import absolute_problem, fixed, scripted

PROBLEMS = [absolute_problem("abs1"), absolute_problem("abs2")]


def _copies(store: RunStore, problem_id: str) -> dict[str, int]:
    return {c.code.split('"')[1]: n for c, n in store.candidates(problem_id)}


def test_batches_span_problems_and_debugging_stops_once_tests_pass(tmp_path: Path) -> None:
    generator, sandbox = scripted()
    store = RunStore.open(tmp_path)
    answers = solve(PROBLEMS, fixed(rounds=2), generator, sandbox, store)

    kinds = generator.kinds()
    assert kinds[:3] == [["sample"] * 2, ["revise"] * 2, ["synthesize"] * 2]
    assert all(set(k) == {"adjudicate"} and len(k) in (2, 4) for k in kinds[3:])
    assert [a.problem_id for a in answers] == ["abs1", "abs2"]
    assert all(a.code and '"right"' in a.code for a in answers)
    # off_by_one was revised into the correct program: merged into it, not a new entry
    assert _copies(store, "abs1") == {"identity": 5, "clamped": 4, "small_only": 3, "right": 3,
                                      "off_by_one": 1}


def test_revision_prompt_quotes_the_failing_test(tmp_path: Path) -> None:
    generator, sandbox = scripted()
    solve(PROBLEMS[:1], fixed(rounds=1), generator, sandbox, RunStore.open(tmp_path))
    [revision] = [r for batch in generator.batches for r in batch if len(r.messages) > 2]
    text = prompt_text(revision)
    assert "Input:\n3\n" in text and "Expected output:\n3\n" in text
    assert "Your output:\n4\n" in text
    assert '"off_by_one"' in revision.messages[2].content


def test_failure_report_explains_errors_and_truncates() -> None:
    problem = absolute_problem()
    test = TestCase(input="x" * 5000, expected="1\n")
    crash = Execution(candidate_id="c", input=test.input, status=Status.RUNTIME_ERROR,
                      stderr="ZeroDivisionError")
    report = failure_report(problem, test, crash, limit=200)
    assert "runtime_error" in report and "ZeroDivisionError" in report
    assert "characters omitted" in report and len(report) < 600
    slow = crash.model_copy(update={"status": Status.TIMEOUT})
    assert "time limit of 2.0 s" in failure_report(problem, test, slow, limit=200)


def test_each_failing_sample_gets_its_own_revisions(tmp_path: Path) -> None:
    def bad_then_fixed(request: GenerationRequest) -> list[str]:
        return [fenced("off_by_one")] * request.params.n

    generator, sandbox = scripted(sample=bad_then_fixed)
    store = RunStore.open(tmp_path)
    solve(PROBLEMS[:1], fixed(n=4, rounds=2), generator, sandbox, store)
    [revise_batch] = [b for b in generator.batches if len(b[0].messages) > 2]
    assert len(revise_batch) == 1 and revise_batch[0].params.n == 4
    assert _copies(store, "abs1") == {"off_by_one": 4, "right": 4}


def test_ids_are_deterministic_and_a_rerun_resumes_without_new_work(tmp_path: Path) -> None:
    generator, sandbox = scripted()
    config = fixed(baselines=("majority", "oracle"))
    first = solve(PROBLEMS, config, generator, sandbox, RunStore.open(tmp_path / "a"))

    again, sandbox_again = scripted()
    store = RunStore.open(tmp_path / "a")
    second = solve(PROBLEMS, config, again, sandbox_again, store)
    assert again.batches == [] and sandbox_again.jobs == []
    assert [a.candidate_id for a in second] == [a.candidate_id for a in first]
    assert len(store.answers()) == 6

    elsewhere, sandbox_elsewhere = scripted()
    other = solve(PROBLEMS, config, elsewhere, sandbox_elsewhere, RunStore.open(tmp_path / "b"))
    assert [a.candidate_id for a in other] == [a.candidate_id for a in first]
    # the chosen entry was created by sample 12, the first "right" of the 16
    assert first[0].candidate_id == candidate_id("abs1", 0, 12, None)


def test_inputs_that_crash_every_survivor_are_dropped(tmp_path: Path) -> None:
    def with_junk(request: GenerationRequest) -> list[str]:
        return ['["-2", "x", "0", "150", "-"]']

    generator, sandbox = scripted(synthesize=with_junk)
    store = RunStore.open(tmp_path)
    runner = Runner(fixed(hypothesis_inputs=0), generator, sandbox, store,
                    Budget(BudgetCaps()))
    pools = load_pools([absolute_problem()], store)
    sample(runner, pools)
    run_public(runner, pools)
    synthesize(runner, pools)
    assert pools[0].inputs == ["-2\n", "0\n", "150\n"]
    assert set(pools[0].behaviour) == {e.candidate.id for e in pools[0].survivors()}
    assert all(len(runs) == 3 for runs in pools[0].behaviour.values())


def test_progress_events_and_costs(tmp_path: Path) -> None:
    events: list[Event] = []
    generator, sandbox = scripted()
    [answer] = solve(PROBLEMS[:1], fixed(), generator, sandbox,
                     RunStore.open(tmp_path), progress=events.append)
    stages = [e.stage for e in events]
    for stage in ("sample", "public tests", "debug round 1", "synthesize inputs",
                  "synthesized inputs", "select", "adjudicate", "done"):
        assert stage in stages
    assert answer.cost.llm_calls == len([r for b in generator.batches for r in b])
    assert answer.cost.executions == sandbox.executions()
    assert answer.cost.prompt_tokens > 0 and answer.cost.completion_tokens > 0


def test_repeated_problem_ids_are_rejected(tmp_path: Path) -> None:
    generator, sandbox = scripted()
    with pytest.raises(ScalingError, match="repeated: abs"):
        solve([absolute_problem(), absolute_problem()], fixed(), generator, sandbox,
              RunStore.open(tmp_path))


def test_a_greedy_sample_comes_first_when_asked(tmp_path: Path) -> None:
    def by_temperature(request: GenerationRequest) -> list[str]:
        if request.params.temperature == 0:
            return [fenced("right")]
        return [fenced("identity")] * request.params.n

    generator, sandbox = scripted(sample=by_temperature)
    store = RunStore.open(tmp_path)
    config = fixed(n=4, rounds=0, greedy_sample=True)
    solve(PROBLEMS, config, generator, sandbox, store)
    assert [(r.params.n, r.params.temperature) for r in generator.batches[0]] == \
        [(1, 0.0), (3, 0.7)] * 2  # both problems in one batch
    assert _copies(store, "abs1") == _copies(store, "abs2") == {"right": 1, "identity": 3}
    greedy = next(c for c, _ in store.candidates("abs1") if '"right"' in c.code)
    assert greedy.id == candidate_id("abs1", 0, 0, None)  # it is sample 0


def test_a_single_greedy_sample_is_the_whole_pool(tmp_path: Path) -> None:
    generator, sandbox = scripted(sample=lambda request: [fenced("right")] * request.params.n)
    store = RunStore.open(tmp_path)
    solve(PROBLEMS[:1], fixed(n=1, rounds=0, greedy_sample=True), generator, sandbox,
          store)
    assert [(r.params.n, r.params.temperature) for r in generator.batches[0]] == [(1, 0.0)]
