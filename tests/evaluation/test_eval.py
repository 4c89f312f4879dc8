"""`evaluate`: every strategy scored on one pool, pass@k, curves, costs and the output files."""

import base64
import json
from pathlib import Path

import pytest

from codescale.config import run_completion_cache
from codescale.evaluation.artifacts import RAW_SAMPLES, REPORT, RESULTS
from codescale.evaluation.errors import EvalError
from codescale.evaluation.run import charging, evaluate, load_settings, prepare, write_report
from codescale.evaluation.summary import EvalSummary
from codescale.execution.protocol import Sandbox
from codescale.llm.cache import ChargedReplays
from codescale.manifest import RunMismatch
from codescale.models import Status
from codescale.store import RunStore
from tests.evaluation import scenario


def _scores(summary: EvalSummary) -> dict[str, float]:
    return {s.strategy: s.accuracy for s in summary.strategies}


def test_every_strategy_is_scored_on_the_same_pool(evaluated: tuple[Path, EvalSummary]) -> None:
    _, summary = evaluated
    assert summary.problems == summary.scored == 2 and summary.oracle == 1.0
    scores = _scores(summary)
    assert list(scores) == ["sstar", "first", "random", "public_tests", "majority", "codet",
                            "llm_judge", "oracle"]
    assert scores["sstar"] == scores["oracle"] == 1.0
    assert scores["first"] == scores["public_tests"] == 0.0
    assert {s.strategy: s.efficiency for s in summary.strategies}["sstar"] == 1.0
    vouched = {s.strategy: (s.false_positives, s.public_passing) for s in summary.strategies}
    assert vouched["public_tests"] == (2, 2)  # the public tests vouched for wrong programs
    assert vouched["sstar"] == vouched["oracle"] == (0, 2)
    # 2 of 8 samples are right on each problem: pass@1 = 2/8, pass@5 = 1 - C(6,5)/C(8,5)
    assert [(p.k, round(p.value, 4)) for p in summary.pass_at_k] == [(1, 0.25), (5, 0.8929)]


def test_a_check_program_decides_over_the_hidden_cases(evaluated: tuple[Path, EvalSummary]
                                                       ) -> None:
    run_dir, _ = evaluated
    lines = [json.loads(line) for line in (run_dir / RESULTS).read_text().splitlines()]
    assert len(lines) == 2 * 8
    first_add = next(r for r in lines if (r["problem_id"], r["strategy"]) == ("add", "first"))
    # `abs(a) + b` passes the hidden case add(2, 2) but not the check's add(-1, 5)
    store = RunStore.open(run_dir)
    hidden = store.executions(first_add["candidate_id"], scenario.ADD.hidden_tests)
    assert [run.status for run in hidden if run] == [Status.PASSED]
    assert first_add["passed"] is False


def test_costs_count_only_the_stages_a_strategy_needs(evaluated: tuple[Path, EvalSummary]
                                                      ) -> None:
    _, summary = evaluated
    cost = {s.strategy: s.cost.cost for s in summary.strategies}
    stages = {s.stage: s.cost for s in summary.stages}
    assert cost["first"].llm_calls == 2 and cost["first"].executions == 0  # one sample request each
    assert cost["public_tests"].executions == stages["public tests"].executions > 0
    assert cost["sstar"].llm_calls == (cost["majority"].llm_calls
                                       + stages["adjudicate"].llm_calls)
    assert cost["oracle"].executions == (stages["public tests"].executions
                                         + stages["hidden tests"].executions)
    assert sum(s.cost.llm_calls for s in summary.stages) == 2 + 2 + 2 + stages[
        "adjudicate"].llm_calls + stages["llm judge"].llm_calls


def test_curves_end_where_the_full_pool_does(evaluated: tuple[Path, EvalSummary]) -> None:
    _, summary = evaluated
    samples, rounds = summary.curves
    oracle_by_k = [p.accuracy for p in samples.series[0].points]
    assert [p.x for p in samples.series[0].points] == [1, 2, 4, 8]
    assert oracle_by_k[0] == 0.25 and oracle_by_k[-1] == 1.0 and oracle_by_k == sorted(oracle_by_k)
    public_by_round = {s.name: [p.accuracy for p in s.points] for s in rounds.series}
    assert public_by_round["public tests"][-1] == _scores(summary)["public_tests"]
    assert public_by_round["oracle"] == [1.0, 1.0]


def test_outputs_are_written_and_rebuilt_from_the_store(evaluated: tuple[Path, EvalSummary]
                                                        ) -> None:
    run_dir, summary = evaluated
    html = (run_dir / REPORT).read_text()
    images = html.count('src="data:image/png;base64,')
    assert images == 3 and "http" not in html.split("<body>")[1]
    png = html.split('src="data:image/png;base64,')[1].split('"')[0]
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert "return abs(a) + b" in html and "Comparisons" in html
    samples = [json.loads(line) for line in (run_dir / RAW_SAMPLES).read_text().splitlines()]
    assert [s["task_id"] for s in samples] == ["add"] * scenario.N  # only HumanEval problems
    results = (run_dir / RESULTS).read_text()
    (run_dir / RESULTS).unlink()
    assert write_report(run_dir) == summary
    assert (run_dir / RESULTS).read_text() == results


def test_a_run_directory_with_other_settings_is_refused(evaluated: tuple[Path, EvalSummary],
                                                        sandbox: Sandbox) -> None:
    run_dir, _ = evaluated
    config = scenario.config(run_dir, rounds=2)
    with pytest.raises(RunMismatch, match=r"holds a run made with scaling.rounds=1; this run "
                                          r"has scaling.rounds=2; .* another --run-dir"):
        evaluate("scenario", scenario.PROBLEMS, config, scenario.generator(), sandbox)


def test_a_resumed_evaluation_may_add_problems(tmp_path: Path) -> None:
    first, rest = scenario.PROBLEMS[:1], scenario.PROBLEMS[1:]
    config = scenario.config(tmp_path)
    prepare(tmp_path, "scenario", first, config)
    prepare(tmp_path, "scenario", rest, config)
    _, recorded = load_settings(tmp_path)
    assert [p.id for p in recorded] == [p.id for p in scenario.PROBLEMS]
    with pytest.raises(EvalError, match="holds an evaluation of 'scenario', not 'other'"):
        prepare(tmp_path, "other", first, config)


def test_settings_written_before_adaptive_sampling_read_as_fixed_n(tmp_path: Path) -> None:
    prepare(tmp_path, "scenario", scenario.PROBLEMS, scenario.config(tmp_path))
    written = json.loads((tmp_path / "eval.json").read_text())
    del written["config"]["scaling"]["adaptive"]  # as eval.json files made before it existed
    (tmp_path / "eval.json").write_text(json.dumps(written))
    settings, _ = load_settings(tmp_path)
    assert not settings.config.scaling.adaptive.enabled


def test_an_evaluation_with_its_own_cache_charges_what_it_replays(tmp_path: Path) -> None:
    own = scenario.config(tmp_path).model_copy(
        update={"completion_cache": run_completion_cache(tmp_path)})
    generator = scenario.generator()
    assert isinstance(charging(own, generator), ChargedReplays)
    shared = own.model_copy(update={"completion_cache": tmp_path / "elsewhere.sqlite"})
    assert charging(shared, generator) is generator
