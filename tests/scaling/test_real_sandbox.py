"""The pipeline on the real local sandbox: real programs run, S* still finds the correct one."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from codescale.execution.config import sandbox_config
from codescale.execution.protocol import Sandbox
from codescale.llm.protocol import GenerationRequest
from codescale.models import Problem, TestCase
from codescale.scaling.pipeline import solve
from codescale.store import RunStore
from tests.scaling.scenario import absolute_problem, fixed, scripted

PROGRAMS = {
    "right": "x = int(input())\nprint(abs(x))",
    "identity": "print(int(input()))",
    "clamped": "print(max(int(input()), 0))",
    "small_only": "x = int(input())\nprint(abs(x) if x < 100 else 0)",
    "off_by_one": "print(abs(int(input())) + 1)",
    "crashes": "print(1 // (int(input()) - 3))",
}
CALL = Problem(id="add", statement="Return a + b.", io="call", entry_point="add",
               public_tests=(TestCase(input="[1, 2]", expected="3"),),
               hidden_tests=(TestCase(input="[-5, 2]", expected="-3"),))


def _answer(name: str) -> str:
    return f"```python\n{PROGRAMS[name]}\n```"


def _samples(request: GenerationRequest) -> list[str]:
    if "Return a + b" in request.messages[-1].content:
        return ["```python\ndef add(a, b):\n    return a + b\n```",
                "def add(a, b):\n    return abs(a) + b"] * 8
    names = ["identity"] * 5 + ["clamped"] * 4 + ["small_only"] * 3 + ["right"] * 2
    return [_answer(n) for n in names + ["off_by_one", "crashes"]]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    opened = sandbox_config(backend="local", pool_size=2).open()
    yield opened
    opened.close()


def test_sstar_on_real_executions(sandbox: Sandbox, tmp_path: Path) -> None:
    generator, _ = scripted(sample=_samples,
                            revise=lambda request: [_answer("right")] * request.params.n,
                            synthesize=lambda request: ['["-2", "0", "150", "x"]'])
    config = fixed(rounds=1, baselines=("majority", "oracle"))
    store = RunStore.open(tmp_path)
    answers = solve([absolute_problem(), CALL], config, generator, sandbox, store)

    assert answers[0].code == PROGRAMS["right"] + "\n"
    # fuzzed inputs stay non-negative like the public test, so both add programs agree;
    # the first sampled one represents them
    assert answers[1].code == "def add(a, b):\n    return a + b\n"
    assert {a.strategy: a for a in store.answers("add")}["oracle"].evidence.public_passed == 1
    by_strategy = {a.strategy: a for a in store.answers("abs")}
    assert by_strategy["majority"].code == PROGRAMS["identity"] + "\n"
    assert by_strategy["oracle"].code == PROGRAMS["right"] + "\n"
    assert len(store.comparisons("abs")) == 3
