"""Adaptive sampling and selective debugging on scripted doubles: when a problem stops, which
problems a token budget serves first, resume, and which problems a debug round revises."""

from collections.abc import Callable
from pathlib import Path

import pytest

from codescale.evaluation.records import load_records
from codescale.llm.protocol import GenerationRequest
from codescale.models import Problem, Status
from codescale.scaling.allocation import token_rates
from codescale.scaling.budget import Budget
from codescale.scaling.config import AdaptiveConfig, BudgetCaps, ScalingConfig
from codescale.scaling.costs import totals
from codescale.scaling.pipeline import load_pools, solve
from codescale.scaling.runner import Runner
from codescale.scaling.waves import sample_in_waves, wave_step
from codescale.store import RunStore
from tests.scaling.doubles import Behaviour, ScriptedGenerator, ScriptedSandbox, fenced
from tests.scaling.scenario import BEHAVIOURS, absolute_problem, scripted

# Both pass the public tests (3 and 5); fuzzed inputs (0 .. 5) include 0, where they differ.
WAVE_BEHAVIOURS: dict[str, Behaviour] = dict(BEHAVIOURS) | {
    "zero_bug": lambda text: "1\n" if text.split() == ["0"] else f"{abs(int(text.split()[0]))}\n",
    "half": lambda text: "3\n" if text.split() == ["3"] else Status.RUNTIME_ERROR,
    "broken": lambda text: Status.RUNTIME_ERROR,
    "abs_again": BEHAVIOURS["right"],  # another program, the same behaviour
    "broken_too": lambda text: Status.TIMEOUT,
}


def by_seed(sequences: dict[str, list[str]]) -> Callable[[GenerationRequest], list[str]]:
    """A sample reply drawing sample k of a problem (seed k) from its sequence, so that the
    samples do not depend on how they are split into requests."""
    def reply(request: GenerationRequest) -> list[str]:
        statement = request.messages[-1].content
        sequence = next(seq for pid, seq in sequences.items() if f"[{pid}]" in statement)
        seed = request.params.seed or 0
        return [fenced(sequence[(seed + k) % len(sequence)]) for k in range(request.params.n)]
    return reply


def problem(pid: str) -> Problem:
    """The |x| problem, its statement tagged with its id for `by_seed`."""
    base = absolute_problem(pid)
    return base.model_copy(update={"statement": f"[{pid}] {base.statement}"})


def doubles(sequences: dict[str, list[str]], **replies: Callable[[GenerationRequest], list[str]]
            ) -> tuple[ScriptedGenerator, ScriptedSandbox]:
    generator, _ = scripted(sample=by_seed(sequences), **replies)
    return generator, ScriptedSandbox(dict(WAVE_BEHAVIOURS))


def adaptive(**values: object) -> ScalingConfig:
    """Adaptive sampling in waves of 4 with a margin of 3, up to 16 samples, no debugging."""
    settings: dict[str, object] = {"n": 16, "rounds": 0, "adaptive": AdaptiveConfig(
        enabled=True, wave=4, margin=3)}
    return ScalingConfig.model_validate(settings | values)


def sample_batches(generator: ScriptedGenerator) -> list[list[tuple[int, int]]]:
    """`(seed, n)` of each sampling request, batch by batch."""
    return [[(r.params.seed or 0, r.params.n) for r in batch] for batch in generator.batches
            if all(len(r.messages) == 2 and "testing programs" not in r.messages[0].content
                   and "judge" not in r.messages[0].content for r in batch)]


def copies(store: RunStore, pid: str) -> dict[str, int]:
    return {c.code.split('"')[1]: n for c, n in store.candidates(pid)}


@pytest.mark.parametrize("sequence", [["right"], ["right", "broken", "broken", "broken"]])
def test_a_problem_whose_passers_agree_stops_after_one_wave(tmp_path: Path,
                                                            sequence: list[str]) -> None:
    # a lone behaviour cluster settles whatever its size: one passer among failures too
    generator, sandbox = doubles({"easy": sequence})
    [answer] = solve([problem("easy")], adaptive(), generator, sandbox, RunStore.open(tmp_path))
    assert sample_batches(generator) == [[(0, 4)]]
    assert answer.code is not None and '"right"' in answer.code


def test_waves_go_on_until_one_cluster_leads_by_the_margin(tmp_path: Path) -> None:
    # wave 0: right 3, zero_bug 1 (lead 2); wave 1: right 7, zero_bug 1 (lead 6): stop at 8
    generator, sandbox = doubles({"p": ["right", "right", "zero_bug", "right"]
                                  + ["right"] * 12})
    store = RunStore.open(tmp_path)
    solve([problem("p")], adaptive(), generator, sandbox, store)
    assert sample_batches(generator) == [[(0, 4)], [(4, 4)]]
    assert copies(store, "p") == {"right": 7, "zero_bug": 1}
    # an evaluation sees every wave's samples, and 8 requested of the 16 allowed
    [record] = load_records(store, [problem("p")], adaptive())
    assert record.requested == 8 and len(record.samples or ()) == 8


def test_disagreeing_problems_draw_up_to_n_and_waves_batch_all_open_problems(
        tmp_path: Path) -> None:
    generator, sandbox = doubles({"easy": ["right"], "split": ["right", "zero_bug"]})
    store = RunStore.open(tmp_path)
    solve([problem("easy"), problem("split")], adaptive(), generator, sandbox, store)
    # each wave doubles the samples drawn: 4, 8, 16
    assert sample_batches(generator) == [[(0, 4), (0, 4)], [(4, 4)], [(8, 8)]]
    assert copies(store, "split") == {"right": 8, "zero_bug": 8}
    assert store.step(wave_step("split", 2)) is not None
    assert store.step(wave_step("split", 3)) is None


def test_waves_draw_the_samples_one_request_for_n_would(tmp_path: Path) -> None:
    sequences = {"p": ["right", "zero_bug", "identity", "clamped", "off_by_one"]}
    never_settles = adaptive(adaptive=AdaptiveConfig(enabled=True, wave=3, margin=99))
    waved = RunStore.open(tmp_path / "waves")
    solve([problem("p")], never_settles, *doubles(sequences), waved)
    fixed = RunStore.open(tmp_path / "fixed")
    solve([problem("p")], ScalingConfig(n=16, rounds=0), *doubles(sequences), fixed)
    def drawn(store: RunStore) -> list[tuple[str, str, int]]:
        return [(c.id, c.code, n) for c, n in store.candidates("p")]

    assert drawn(waved) == drawn(fixed)  # each wave pays its own prompt, so tokens differ


def interrupt_the_third_wave(sequences: dict[str, list[str]], problems: list[Problem],
                             path: Path) -> None:
    """Solve in waves from 4 samples until the first request for sample 8, which is
    interrupted."""
    generator, sandbox = doubles(sequences)
    inner = generator.replies["sample"]

    def crash_on_third_wave(request: GenerationRequest) -> list[str]:
        if (request.params.seed or 0) >= 8:
            raise KeyboardInterrupt
        return inner(request)

    generator.replies["sample"] = crash_on_third_wave
    with pytest.raises(KeyboardInterrupt):
        solve(problems, adaptive(), generator, sandbox, RunStore.open(path))


def test_an_interrupted_adaptive_run_resumes_from_its_last_wave(tmp_path: Path) -> None:
    sequences = {"p": ["right", "zero_bug"]}
    interrupt_the_third_wave(sequences, [problem("p")], tmp_path)
    again, sandbox_again = doubles(sequences)
    store = RunStore.open(tmp_path)
    solve([problem("p")], adaptive(), again, sandbox_again, store)
    assert sample_batches(again) == [[(8, 8)]]
    assert copies(store, "p") == {"right": 8, "zero_bug": 8}


def test_a_token_budget_serves_problems_without_a_passer_first(tmp_path: Path) -> None:
    sequences = {"split": ["right", "zero_bug"], "hopeless": ["off_by_one"]}
    pools_of = [problem("hopeless"), problem("split")]
    store = RunStore.open(tmp_path)
    one_wave = adaptive(n=4)
    generator, sandbox = doubles(sequences)
    sample_in_waves(Runner(one_wave, generator, sandbox, store, Budget(BudgetCaps(), ledger=store)),
                    load_pools(pools_of, store))
    spent = sum(row.cost.prompt_tokens + row.cost.completion_tokens for row in store.spending())
    per_wave = max(row.cost.prompt_tokens + row.cost.completion_tokens
                   for row in store.spending() if row.problem_id)
    # room for one more wave of either problem, not for both, and no reserve kept back
    capped = adaptive(n=8, budget=BudgetCaps(tokens=spent + per_wave + 5),
                      adaptive=AdaptiveConfig(enabled=True, wave=4, margin=3, reserve=0.0))
    generator, sandbox = doubles(sequences)
    budget = Budget(capped.budget, ledger=store)
    sample_in_waves(Runner(capped, generator, sandbox, store, budget), load_pools(pools_of, store))
    assert store.step(wave_step("hopeless", 1)) is not None
    assert store.step(wave_step("split", 1)) is None
    assert budget.stopped is None  # selection may still spend what is left


def test_the_reserve_is_left_to_selection(tmp_path: Path) -> None:
    generator, sandbox = doubles({"split": ["right", "zero_bug"]})
    store = RunStore.open(tmp_path)
    config = adaptive(budget=BudgetCaps(tokens=4000),
                      adaptive=AdaptiveConfig(enabled=True, wave=4, margin=3, reserve=0.5))
    solve([problem("split")], config, generator, sandbox, store)
    sampled = sum(row.cost.prompt_tokens + row.cost.completion_tokens
                  for row in store.spending() if row.step.stage == "sample")
    assert 0 < sampled <= 2000
    assert any(row.step.stage == "adjudicate" for row in store.spending())


def test_passers_that_crash_on_every_proposed_input_settle_nothing(tmp_path: Path) -> None:
    # no public tests, so every sample survives; the first wave's two programs fail on every
    # proposed input, and the samples after them compute |x| on those inputs
    untested = problem("p").model_copy(update={"public_tests": ()})
    generator, sandbox = doubles({"p": ["broken", "broken_too"] * 2 + ["right"] * 12})
    [answer] = solve([untested], adaptive(), generator, sandbox, RunStore.open(tmp_path))
    assert len(sample_batches(generator)) > 1
    assert answer.code is not None and '"right"' in answer.code


def test_inputs_proposed_during_waves_are_paid_from_the_reserve(tmp_path: Path) -> None:
    # the first wave's inputs were proposed while sampling (a split problem); the second wave
    # fits what sampling may spend, so it goes out although sampling and proposals together
    # passed 1 - reserve of the budget
    store = RunStore.open(tmp_path)
    generator, sandbox = doubles({"split": ["right", "zero_bug"]})
    one_wave = Runner(adaptive(n=4), generator, sandbox, store, Budget(BudgetCaps(), ledger=store))
    sample_in_waves(one_wave, load_pools([problem("split")], store))
    spent = {stage: sum(row.cost.prompt_tokens + row.cost.completion_tokens
                        for row in store.spending() if row.step.stage == stage)
             for stage in ("sample", "synthesize inputs")}
    assert spent["synthesize inputs"] > 0
    allowed = int(2.2 * spent["sample"])  # room for 1.2 more waves before the reserve
    capped = adaptive(n=8, budget=BudgetCaps(tokens=2 * allowed),
                      adaptive=AdaptiveConfig(enabled=True, wave=4, margin=3, reserve=0.5))
    assert sum(spent.values()) + spent["sample"] > allowed
    generator, sandbox = doubles({"split": ["right", "zero_bug"]})
    sample_in_waves(Runner(capped, generator, sandbox, store, Budget(capped.budget, ledger=store)),
                    load_pools([problem("split")], store))
    assert store.step(wave_step("split", 1)) is not None


def revisions_by_round(generator: ScriptedGenerator) -> list[list[str]]:
    """The problem tag of each revision request, batch by batch."""
    return [[r.messages[1].content.split("]")[0].lstrip("[") for r in batch]
            for batch in generator.batches if all(len(r.messages) > 2 for r in batch)]


def test_unsolved_revision_skips_solved_problems_and_stops_without_progress(
        tmp_path: Path) -> None:
    counter = iter(range(10_000))

    def half_each_time(request: GenerationRequest) -> list[str]:
        return [fenced("half", f"x = {next(counter)}") for _ in range(request.params.n)]

    sequences = {"solved": ["right", "off_by_one"], "stuck": ["broken"]}
    generator, sandbox = doubles(sequences, revise=half_each_time)
    config = ScalingConfig(n=2, rounds=3, revise="unsolved",
                           adaptive=AdaptiveConfig(enabled=False))
    solve([problem("solved"), problem("stuck")], config, generator, sandbox,
          RunStore.open(tmp_path / "unsolved"))
    # round 1 raised "stuck" from 0 to 1 public test passed; round 2 did not: no round 3
    assert revisions_by_round(generator) == [["stuck"], ["stuck", "stuck"]]

    generator, sandbox = doubles(sequences, revise=half_each_time)
    solve([problem("solved"), problem("stuck")], config.model_copy(update={"revise": "failing"}),
          generator, sandbox, RunStore.open(tmp_path / "failing"))
    assert revisions_by_round(generator)[0] == ["solved", "stuck"]
    assert len(revisions_by_round(generator)) == 3


def test_a_rerun_with_problems_added_continues_every_open_problem(tmp_path: Path) -> None:
    sequences = {"split": ["right", "zero_bug"], "easy": ["right"]}
    interrupt_the_third_wave(sequences, [problem("split")], tmp_path)
    again, sandbox_again = doubles(sequences)
    store = RunStore.open(tmp_path)
    solve([problem("split"), problem("easy")], adaptive(), again, sandbox_again, store)
    # the new problem's first wave, then the interrupted one's last wave
    assert sample_batches(again) == [[(0, 4)], [(8, 8)]]
    assert copies(store, "split") == {"right": 8, "zero_bug": 8}


@pytest.mark.parametrize(("margin", "waves"), [(2, 1), (3, 2), (4, 2), (5, 3)])
def test_a_lead_of_exactly_the_margin_settles(tmp_path: Path, margin: int, waves: int) -> None:
    # two clusters, 3 to 1 of 4 samples, then 6 to 2 of 8 (lead 4), 12 to 4 of 16
    generator, sandbox = doubles({"easy": ["right", "right", "right", "zero_bug"]})
    config = adaptive(adaptive=AdaptiveConfig(enabled=True, wave=4, margin=margin))
    solve([problem("easy")], config, generator, sandbox, RunStore.open(tmp_path))
    assert len(sample_batches(generator)) == waves


@pytest.mark.parametrize("inputs", [{"hypothesis_inputs": 0, "llm_inputs": 0}, {"llm_inputs": 0}])
def test_passers_no_input_tells_apart_settle(tmp_path: Path, inputs: dict[str, int]) -> None:
    # |x| and max(x, 0) agree on every fuzzed input (all >= 0); with no input at all, selection
    # cannot tell them apart either: more samples would not change the answer
    generator, sandbox = doubles({"p": ["right", "clamped"]})
    solve([problem("p")], adaptive(**inputs), generator, sandbox, RunStore.open(tmp_path))
    assert len(sample_batches(generator)) == 1


def synthesis_requests(generator: ScriptedGenerator) -> int:
    return sum("testing programs" in r.messages[0].content for b in generator.batches for r in b)


def test_a_problem_without_public_tests_settles_on_the_inputs_selection_uses(
        tmp_path: Path) -> None:
    # every sample passes no public test vacuously and nothing can be fuzzed: the LLM's
    # inputs show the two programs agree, and selection reuses them (one request in all)
    untested = problem("p").model_copy(update={"public_tests": ()})
    generator, sandbox = doubles({"p": ["right", "abs_again"]})
    [answer] = solve([untested], adaptive(), generator, sandbox, RunStore.open(tmp_path))
    assert sample_batches(generator) == [[(0, 4)]]
    assert synthesis_requests(generator) == 1
    assert answer.code is not None and ('"right"' in answer.code or '"abs_again"' in answer.code)


def test_budgeted_revisions_serve_settled_problems_last_and_are_costed_whole(
        tmp_path: Path) -> None:
    # "settled": three agreeing passers and one failing sample; "stuck": nothing passes
    sequences = {"settled": ["right", "right", "right", "off_by_one"], "stuck": ["broken"]}
    generator, sandbox = doubles(sequences)
    config = adaptive(n=4, rounds=1, revise="failing", budget=BudgetCaps(tokens=10**9))
    store = RunStore.open(tmp_path)
    solve([problem("settled"), problem("stuck")], config, generator, sandbox, store)
    [revisions] = revisions_by_round(generator)
    assert revisions[0] == "stuck" and revisions[-1] == "settled"
    # each revision's estimate (its whole prompt, which quotes the program and the failure,
    # plus its samples) is within a quarter of what it cost
    summed = totals(store.spending())
    pools = {pool.problem.id: pool for pool in load_pools([problem("settled"), problem("stuck")],
                                                         store)}
    [batch] = [b for b in generator.batches if all(len(r.messages) > 2 for r in b)]
    for request, tag in zip(batch, revisions, strict=True):
        estimate = token_rates(pools[tag], summed, config.max_tokens).cost(request)
        answers = generator.replies["revise"](request)
        cost = sum(len(m.content) for m in request.messages) // 4 + sum(
            len(text) // 4 + 1 for text in answers)
        assert abs(estimate - cost) <= cost / 4


def test_a_call_cap_never_splits_a_problems_first_wave(tmp_path: Path) -> None:
    # with a greedy sample 0 the first wave is two requests; one call left sends neither
    generator, sandbox = doubles({"a": ["right"], "b": ["right"]})
    config = adaptive(greedy_sample=True, budget=BudgetCaps(llm_calls=3))
    store = RunStore.open(tmp_path)
    answers = solve([problem("a"), problem("b")], config, generator, sandbox, store)
    assert sample_batches(generator)[0] == [(0, 1), (0, 3)]
    assert store.step(wave_step("b", 0)) is None
    assert all("LLM call budget reached (1 calls left, 2 needed to sample b)" in answer.reason
               for answer in answers)
