"""Budget caps: when one is reached, generation stops, selection uses what exists, and says so."""

from pathlib import Path

from codescale.models import Cost, Stage, Step
from codescale.scaling.budget import Budget
from codescale.scaling.config import BudgetCaps
from codescale.scaling.pipeline import solve
from codescale.store import RunStore
from tests.scaling.scenario import absolute_problem, fixed, scripted

SAMPLE = Step(stage=Stage.SAMPLE)

PROBLEMS = [absolute_problem("abs1"), absolute_problem("abs2"), absolute_problem("abs3")]


def _solve(tmp_path: Path, caps: BudgetCaps, problems=PROBLEMS):  # type: ignore[no-untyped-def]
    generator, sandbox = scripted()
    config = fixed(budget=caps)
    answers = solve(problems, config, generator, sandbox, RunStore.open(tmp_path))
    return answers, generator, sandbox


def test_call_cap_trims_the_batch_and_selects_from_what_exists(tmp_path: Path) -> None:
    answers, generator, _ = _solve(tmp_path, BudgetCaps(llm_calls=2))
    assert generator.kinds() == [["sample", "sample"]]
    assert all("stopped early: LLM call budget reached (2 of 2)" in a.reason for a in answers)
    # no synthesized inputs: the survivors form one cluster, its most-sampled program wins
    assert [a.code.split('"')[1] for a in answers[:2] if a.code] == ["identity", "identity"]
    assert answers[2].abstained  # never sampled


def test_execution_cap_skips_runs_that_do_not_fit(tmp_path: Path) -> None:
    answers, generator, sandbox = _solve(tmp_path, BudgetCaps(executions=14), PROBLEMS[:1])
    # 5 unique programs x 2 public tests fit; 4 survivors x 6 synthesized inputs do not
    assert sandbox.executions() == 10
    assert answers[0].cost.executions == 10
    assert "stopped early: execution budget reached (4 runs left, 24 wanted)" in answers[0].reason
    assert not any("adjudicate" in kinds for kinds in generator.kinds())
    assert answers[0].code and '"identity"' in answers[0].code


def test_token_cap_stops_after_the_batch_that_crossed_it(tmp_path: Path) -> None:
    answers, generator, _ = _solve(tmp_path, BudgetCaps(tokens=100), PROBLEMS[:1])
    assert generator.kinds() == [["sample"]]
    assert "stopped early: token budget reached" in answers[0].reason


def test_zero_wall_time_abstains_with_the_reason(tmp_path: Path) -> None:
    answers, generator, sandbox = _solve(tmp_path, BudgetCaps(wall_time_s=0), PROBLEMS[:1])
    assert generator.batches == [] and sandbox.jobs == []
    assert answers[0].abstained
    assert answers[0].reason.startswith("no candidate passes the public tests; stopped early: "
                                        "wall-time budget reached")


def test_budget_adds_up_the_run_and_remembers_the_first_cap() -> None:
    now = [0.0]
    budget = Budget(BudgetCaps(llm_calls=3, wall_time_s=10), clock=lambda: now[0])
    budget.charge("a", Cost(llm_calls=1, prompt_tokens=5), SAMPLE)
    budget.charge("b", Cost(llm_calls=1, executions=4), SAMPLE)
    assert budget.exhausted() is None and budget.calls_left() == 1
    assert budget.executions_left() is None
    now[0] = 4.0
    assert budget.total() == Cost(llm_calls=2, prompt_tokens=5, executions=4, wall_time_s=4.0)
    now[0] = 11.0
    assert budget.exhausted() == "wall-time budget reached (11.0s of 10.0s)"
    budget.charge("a", Cost(llm_calls=5), SAMPLE)
    assert budget.exhausted().startswith("wall-time")


def test_a_resumed_run_reports_the_cost_of_the_whole_run(tmp_path: Path) -> None:
    first, _, _ = _solve(tmp_path, BudgetCaps(), PROBLEMS[:1])
    again, generator, sandbox = _solve(tmp_path, BudgetCaps(), PROBLEMS[:1])
    assert generator.batches == [] and sandbox.jobs == []  # all of it was recorded
    spent = first[0].cost.model_copy(update={"wall_time_s": 0.0})
    assert spent.llm_calls > 0 and spent.executions > 0
    assert again[0].cost.model_copy(update={"wall_time_s": 0.0}) == spent
    assert again[0].cost.wall_time_s > 0  # the recorded wall time of the first session


def test_the_ledger_keeps_charges_by_stage_and_caps_count_them(tmp_path: Path) -> None:
    now = [0.0]
    store = RunStore.open(tmp_path)
    budget = Budget(BudgetCaps(llm_calls=3), clock=lambda: now[0], ledger=store)
    now[0] = 2.0
    budget.charge("a", Cost(llm_calls=2, prompt_tokens=5), SAMPLE)
    now[0] = 2.5
    budget.charge("a", Cost(executions=4), Step(stage=Stage.PUBLIC_TESTS))
    rows = [(s.problem_id, s.step.label, s.cost) for s in store.spending()]
    assert rows == [("a", "sample", Cost(llm_calls=2, prompt_tokens=5)),
                    ("", "sample", Cost(wall_time_s=2.0)),
                    ("a", "public tests", Cost(executions=4)),
                    ("", "public tests", Cost(wall_time_s=0.5))]

    resumed = Budget(BudgetCaps(llm_calls=3), clock=lambda: now[0], ledger=store)
    assert resumed.calls_left() == 1
    assert resumed.total() == Cost(llm_calls=2, prompt_tokens=5, executions=4, wall_time_s=2.5)


def test_each_answer_costs_the_stages_its_strategy_needs(tmp_path: Path) -> None:
    generator, sandbox = scripted()
    config = fixed(baselines=("first", "public_tests", "oracle"))
    store = RunStore.open(tmp_path)
    solve(PROBLEMS[:1], config, generator, sandbox, store)
    cost = {answer.strategy: answer.cost for answer in store.answers("abs1")}
    sampling = cost["first"]
    assert sampling.llm_calls == 1 and sampling.executions == 0  # one sampling request
    assert cost["public_tests"].llm_calls > 1  # and a debug round
    assert cost["public_tests"].executions == 10  # 5 unique programs x 2 public tests
    assert cost["sstar"].llm_calls > cost["public_tests"].llm_calls  # adjudication
    assert cost["sstar"].executions > cost["public_tests"].executions  # synthesized inputs
    assert cost["oracle"].executions > cost["public_tests"].executions  # hidden tests
