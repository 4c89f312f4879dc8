"""Selection on the |x| scenario: S* adjudication against the baselines, on the same pool."""

from pathlib import Path

import pytest

from codescale.models import Answer
from codescale.scaling.pipeline import solve
from codescale.scaling.registry import strategy_names
from codescale.store import RunStore
from tests.scaling.scenario import BEHAVIOURS, absolute_problem, fixed, scripted

ALL_BASELINES = tuple(s for s in strategy_names() if s != "sstar")


def _program_name(answer: Answer) -> str:
    assert answer.code is not None
    return answer.code.split('"')[1]


@pytest.fixture()
def store(tmp_path: Path) -> RunStore:
    return RunStore.open(tmp_path / "run")


def test_sstar_picks_the_only_correct_program_with_k_minus_1_adjudications(store: RunStore) -> None:
    generator, sandbox = scripted()
    config = fixed(rounds=0, hypothesis_inputs=0, baselines=ALL_BASELINES)
    [answer] = solve([absolute_problem()], config, generator, sandbox, store)

    assert answer.strategy == "sstar" and _program_name(answer) == "right"
    comparisons = store.comparisons("abs")
    # identity, clamped, small_only, right: four behaviours on -2, 0, 150 -> three matches
    assert len(comparisons) == 3
    assert all(c.decided_by == "llm" for c in comparisons)
    assert answer.evidence.comparisons_won == answer.evidence.comparisons_total >= 1
    assert answer.evidence.public_passed == answer.evidence.public_total == 2
    assert answer.evidence.cluster_size == 2
    levels = [len(kinds) for kinds in generator.kinds() if kinds[0] == "adjudicate"]
    assert levels == [2, 1]  # one batch per knockout level


def test_baselines_answer_from_the_same_pool(store: RunStore) -> None:
    generator, sandbox = scripted()
    config = fixed(rounds=0, hypothesis_inputs=0, baselines=ALL_BASELINES)
    solve([absolute_problem()], config, generator, sandbox, store,)
    answers = {a.strategy: a for a in store.answers("abs")}

    assert set(answers) == set(strategy_names())
    assert _program_name(answers["majority"]) == "identity"  # largest cluster, wrong on -4
    assert answers["majority"].evidence.cluster_size == 5
    assert _program_name(answers["first"]) == "identity"
    assert _program_name(answers["public_tests"]) == "identity"
    # dual agreement: identity 5 x (2 public + 2 predicted) = 20 beats right 2 x (2 + 3) = 10
    assert _program_name(answers["codet"]) == "identity"
    assert "score 20 of 58" in answers["codet"].reason
    assert _program_name(answers["oracle"]) == "right"
    assert _program_name(answers["llm_judge"]) == "right"
    assert _program_name(answers["random"]) in BEHAVIOURS


def test_random_is_deterministic_under_the_seed(tmp_path: Path) -> None:
    picks = set()
    for run in range(2):
        generator, sandbox = scripted()
        config = fixed(rounds=0, selector="random", seed=7)
        [answer] = solve([absolute_problem()], config, generator, sandbox,
                         RunStore.open(tmp_path / str(run)))
        picks.add(answer.candidate_id)
    assert len(picks) == 1


def test_unreadable_verdicts_fall_back_to_cluster_size(store: RunStore) -> None:
    generator, sandbox = scripted(adjudicate=lambda request: ["I cannot decide."])
    [answer] = solve([absolute_problem()], fixed(rounds=0, hypothesis_inputs=0),
                     generator, sandbox, store)

    assert _program_name(answer) == "identity"
    comparisons = store.comparisons("abs")
    assert len(comparisons) == 3
    assert all(c.decided_by == "majority" and "unreadable" in c.rationale for c in comparisons)


def test_no_survivor_abstains_with_reason(store: RunStore) -> None:
    generator, sandbox = scripted(sample=lambda request: [
        "```python\nNAME = \"off_by_one\"\n```"] * request.params.n)
    config = fixed(rounds=0, baselines=("majority", "first"))
    [answer] = solve([absolute_problem()], config, generator, sandbox, store)

    assert answer.abstained and answer.code is None
    assert answer.reason == "no candidate passes the public tests"
    first = next(a for a in store.answers("abs") if a.strategy == "first")
    assert not first.abstained  # plain sampling ignores the tests
