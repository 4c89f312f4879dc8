"""CodeContests in an evaluation: problems loaded from the dataset's rows, each reference
solution run on the hidden tests in the real sandbox, and every score given on the trusted
problems as well as on all of them."""

import json
from pathlib import Path

import pytest

from codescale.evaluation.benchmarks import BenchmarkChoice, load_benchmark
from codescale.evaluation.run import evaluate
from codescale.execution.protocol import Sandbox
from codescale.llm.protocol import GenerationRequest
from codescale.problems import ProblemLoadError
from tests.evaluation import scenario
from tests.problems.test_codecontests import row, write_jsonl
from tests.scaling.doubles import ScriptedGenerator

SUM = "print(sum(map(int, input().split())))"
# "print any divisor": the reference prints the smallest one, the expected outputs the largest
DIVISOR_REFERENCE = "n = int(input())\nprint(next(d for d in range(2, n) if n % d == 0))"


def _rows(tmp_path: Path) -> Path:
    divisor = row("2_A. Divisor", description="Print any divisor d of n, 1 < d < n.",
                  public_tests={"input": ["4\n"], "output": ["2\n"]},
                  private_tests={"input": ["15\n", "49\n"], "output": ["5\n", "7\n"]},
                  generated_tests={"input": [], "output": []},
                  solutions={"language": [3], "solution": [DIVISOR_REFERENCE]})
    hard = row("3_D. Hard", "D", difficulty=10)
    return write_jsonl(tmp_path / "dev.jsonl", [row(), divisor, hard])


def _sample(request: GenerationRequest) -> list[str]:
    code = DIVISOR_REFERENCE if "divisor" in request.messages[-1].content else SUM
    return [f"```python\n{code}\n```"] * request.params.n


def test_the_benchmark_needs_its_data_and_filters_by_letter(tmp_path: Path) -> None:
    with pytest.raises(ProblemLoadError, match="codecontests needs --data"):
        load_benchmark(BenchmarkChoice(target="codecontests"))
    chosen = load_benchmark(BenchmarkChoice(target="codecontests", data=_rows(tmp_path),
                                            letters=("A",)))
    assert [p.id for p in chosen] == ["1_A", "2_A"]


def test_a_problem_whose_reference_fails_is_untrusted_and_scored_apart(
        tmp_path: Path, sandbox: Sandbox) -> None:
    problems = load_benchmark(BenchmarkChoice(target="codecontests", data=_rows(tmp_path),
                                              letters=("A",)))
    config = scenario.config(tmp_path / "run", rounds=0)
    config = config.model_copy(update={"scaling": config.scaling.model_copy(
        update={"n": 2, "llm_inputs": 0})})
    generator = ScriptedGenerator(sample=_sample, judge=lambda request: ["Answer: 1"])
    summary = evaluate("codecontests", problems, config, generator, sandbox)
    assert summary.scored == 2 and summary.untrusted == ("2_A",)
    first = next(s for s in summary.strategies if s.strategy == "first")
    assert (first.solved, first.solved_trusted) == (1, 1)  # the divisor answer "fails" too
    lines = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").open()]
    assert {(r["problem_id"], r["passed"]) for r in lines if r["strategy"] == "first"} == {
        ("1_A", True), ("2_A", False)}
