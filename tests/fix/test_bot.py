"""The bot's logic with a scripted generator on the real local sandbox: verification against
the tests that passed before, debug rounds, selection among verified patches, the summary."""

import re
from pathlib import Path

from codescale.execution.pool import WorkerPool
from codescale.fix.models import FixReport
from codescale.fix.summary import markdown
from codescale.llm.protocol import GenerationRequest
from tests.fix.conftest import REPOS, fix_config, run_fix
from tests.scaling.doubles import ScriptedGenerator, prompt_text

RIGHT = ("def average(values):\n    if not values:\n        return 0.0\n"
         "    return sum(values) / len(values)\n")
RIGHT_LONGER = ("def average(values):\n    total = sum(values)\n    if len(values) == 0:\n"
                "        return 0.0\n    return total / len(values)\n")
FLOORED = ("def average(values):\n    if not values:\n        return 0.0\n"
           "    return sum(values) // len(values)\n")
BREAKS_OTHERS = "def average(values):\n    return 0.0\n"
EDGE = REPOS / "missing_edge_case"
STILL_WRONG = "def average(values):\n    return sum(values) / max(len(values), 1) + 1\n"


def fenced(code: str) -> str:
    return f"Here is the fix.\n```python\n{code}```\n"


def _judge_for_fractions(request: GenerationRequest) -> list[str]:
    """Picks the output that keeps the fraction (the docstring says mean, not floor)."""
    text = prompt_text(request)
    output_a = re.search(r"Output A:\n(.*)\n", text).group(1)
    return ["Answer: A" if "." in output_a else "Answer: B"]


def test_regression_is_rejected_and_debugging_finds_the_fix(local_sandbox: WorkerPool,
                                                             tmp_path: Path) -> None:
    generator = ScriptedGenerator(
        sample=lambda request: [fenced(BREAKS_OTHERS), fenced(STILL_WRONG),
                                "no code at all", fenced(BREAKS_OTHERS)],
        revise=lambda request: [fenced(RIGHT)])
    report = run_fix(EDGE, generator, local_sandbox, tmp_path)

    assert report.status == "fixed"
    assert report.candidates == 3  # two distinct sampled patches, one revision (others repeat)
    chosen = report.selection.chosen
    assert chosen.round == 1 and chosen.parent_id in {"p1", "p2"}
    assert report.chosen_verification.fixed == ("test_stats.py::test_average_of_nothing",)
    assert report.chosen_verification.broken == ()
    revise_prompts = [prompt_text(r) for r in generator.batches[1]]
    assert any("test_stats.py::test_average" in text and "test_average_of_nothing" not in
               text.split("fail:")[1].split("```")[0] for text in revise_prompts)
    assert generator.kinds() == [["sample"], ["revise", "revise"]]


def test_behaviour_groups_are_adjudicated_and_ties_keep_the_smallest(
        local_sandbox: WorkerPool, tmp_path: Path) -> None:
    generator = ScriptedGenerator(
        sample=lambda request: [fenced(RIGHT_LONGER), fenced(FLOORED), fenced(RIGHT),
                                fenced(FLOORED)],
        synthesize=lambda request: ['```json\n[{"input": [[1, 2]], "output": 1.5}]\n```'],
        adjudicate=_judge_for_fractions)
    report = run_fix(EDGE, generator, local_sandbox, tmp_path, fix_config(rounds=0))

    assert report.status == "fixed" and len(report.verified) == 3
    selection = report.selection
    assert selection.chosen.files["stats.py"].startswith('"""Summary') \
        and RIGHT in selection.chosen.files["stats.py"]  # the smaller of the two alike
    [match] = selection.comparisons
    assert match.decided_by == "llm" and match.input == "[[1, 2]]"
    assert {match.output_a, match.output_b} == {"1.5", "1"}
    assert selection.inputs >= 1
    assert report.cost.llm_calls == 3 and report.cost.executions >= 5


def test_no_verified_patch_is_reported(local_sandbox: WorkerPool, tmp_path: Path) -> None:
    generator = ScriptedGenerator(sample=lambda request: [fenced(BREAKS_OTHERS)] * 4,
                                  revise=lambda request: [fenced(BREAKS_OTHERS)])
    report = run_fix(EDGE, generator, local_sandbox, tmp_path)
    assert report.status == "no_fix" and report.selection is None
    assert "none of 1 candidate patches" in report.reason
    text = markdown(report)
    assert "## codescale fix: no verified fix found" in text
    assert "- `test_stats.py::test_average_of_nothing`: ZeroDivisionError: division by zero" in text


def test_summary_of_a_fix_says_what_failed_changed_passes_and_cost(
        local_sandbox: WorkerPool, tmp_path: Path) -> None:
    generator = ScriptedGenerator(sample=lambda request: [fenced(RIGHT)] * 4)
    report = run_fix(EDGE, generator, local_sandbox, tmp_path)
    text = markdown(report)
    assert text.startswith("## codescale fix: verified fix found")
    assert "### What failed\n- `test_stats.py::test_average_of_nothing`: " in text
    assert "```diff\n--- a/stats.py\n+++ b/stats.py\n" in text
    assert "### Tests now passing\n- `test_stats.py::test_average_of_nothing`" in text
    assert "No test that passed before fails with the patch (2 checked)." in text
    assert "1 distinct candidate patches were tested" in text
    assert re.search(r"\*\*Cost:\*\* \d+ prompt \+ \d+ completion tokens, 1 LLM calls, "
                     r"2 sandbox runs", text)


def test_passing_repository_needs_no_generation(local_sandbox: WorkerPool,
                                                tmp_path: Path) -> None:
    generator = ScriptedGenerator()
    report: FixReport = run_fix(REPOS / "all_passing", generator, local_sandbox, tmp_path)
    assert report.status == "already_passing" and generator.batches == []
    assert "All 1 tests pass; nothing to fix." in markdown(report)
