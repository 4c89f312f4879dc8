"""Two problems with real programs for evaluation tests: a stdin one (print |x|) and a call one
(add) whose official check is stricter than its hidden test cases, like HumanEval's.

Sampled programs are fixed lists; the scripted LLM's judge knows the right outputs."""

import json
import re

from codescale.config import Config
from codescale.execution.config import sandbox_config
from codescale.llm.protocol import GenerationRequest
from codescale.models import Problem, TestCase
from tests.scaling.doubles import ScriptedGenerator, prompt_text
from tests.scaling.scenario import absolute_problem, fixed, knowing_judge

ADD = Problem(id="add", statement="Return the sum a + b of two integers.", io="call",
              entry_point="add", starter_code="def add(a, b):\n    \"\"\"a + b\"\"\"\n",
              public_tests=(TestCase(input="[1, 2]", expected="3"),),
              hidden_tests=(TestCase(input="[2, 2]", expected="4"),),
              check_code="def check(candidate):\n    assert candidate(2, 2) == 4\n"
                         "    assert candidate(-1, 5) == 4\n\ncheck(add)\n",
              source="humaneval")
PROBLEMS = [absolute_problem("abs"), ADD]
N = 8
ABS_PROGRAMS = {
    "right": 'NAME = "right"\nx = int(input())\nprint(abs(x))',
    "identity": 'NAME = "identity"\nprint(int(input()))',
    "clamped": 'NAME = "clamped"\nprint(max(int(input()), 0))',
    "off_by_one": 'NAME = "off_by_one"\nprint(abs(int(input())) + 1)',
}
ADD_PROGRAMS = {
    "right": "def add(a, b):\n    return a + b",
    "abs_first": "def add(a, b):\n    return abs(a) + b",
    "minus": "def add(a, b):\n    return a - b",
}
ABS_SAMPLES = ["identity"] * 3 + ["clamped"] * 2 + ["right"] * 2 + ["off_by_one"]
ADD_SAMPLES = ["abs_first"] * 5 + ["right"] * 2 + ["minus"]


def config(run_dir: object, rounds: int = 1) -> Config:
    """Settings of the scenario: n = 8, one debug round, the local sandbox, no cache."""
    return Config(scaling=fixed(n=N, rounds=rounds, llm_inputs=3, hypothesis_inputs=3),
                  sandbox=sandbox_config(backend="local", pool_size=2), run_dir=run_dir,
                  completion_cache=None)


def _fence(code: str) -> str:
    return f"```python\n{code}\n```"


def sample(request: GenerationRequest) -> list[str]:
    """The fixed samples of the problem the prompt is about."""
    if "sum a + b" in prompt_text(request):
        return [_fence(ADD_PROGRAMS[name]) for name in ADD_SAMPLES]
    return [_fence(ABS_PROGRAMS[name]) for name in ABS_SAMPLES]


def revise(request: GenerationRequest) -> list[str]:
    """Every revision is the right program."""
    programs = ADD_PROGRAMS if "sum a + b" in prompt_text(request) else ABS_PROGRAMS
    return [_fence(programs["right"])] * request.params.n


def synthesize(request: GenerationRequest) -> list[str]:
    """Inputs on which the wrong programs differ from the right one."""
    if "sum a + b" in prompt_text(request):
        return ['```json\n[{"input": [-3, 1], "output": -2}]\n```']
    return ['```json\n[{"input": "-2\\n", "output": "2\\n"}, {"input": "0\\n"}]\n```']


def adjudicate(request: GenerationRequest) -> list[str]:
    """A judge that computes the right output of either problem and picks it."""
    found = re.search(r"disagree on this input\.\n\n[^\n]*:\n(.*?)\n\nOutput A:\n(.*?)\n\n"
                      r"Output B:\n(.*?)\n\n", prompt_text(request), re.DOTALL)
    assert found, "adjudication prompt lacks input and outputs"
    text = found.group(1).strip()
    truth = str(sum(json.loads(text))) if text.startswith("[") else str(abs(int(text)))
    return [f"Answer: {'B' if found.group(3).strip() == truth else 'A'}"]


def judge(request: GenerationRequest) -> list[str]:
    """An execution-free judge that picks the first program (the abs scenario's knows better)."""
    if "sum a + b" in prompt_text(request):
        return ["Answer: 1"]
    return knowing_judge(request)


def generator(**overrides: object) -> ScriptedGenerator:
    """The scenario's scripted LLM; keyword arguments replace replies."""
    replies = {"sample": sample, "revise": revise, "synthesize": synthesize,
               "adjudicate": adjudicate, "judge": judge} | overrides
    return ScriptedGenerator(**replies)  # type: ignore[arg-type]
