"""A small stdin problem (print |x|) whose sampled programs all pass the public tests while only
one is correct; used by the selection, pipeline and crash tests."""

import json
import re
from collections.abc import Callable

from codescale.llm.protocol import GenerationRequest
from codescale.models import Problem, Status, TestCase
from codescale.scaling.config import AdaptiveConfig, ScalingConfig
from tests.scaling.doubles import (
    Behaviour,
    Reply,
    ScriptedGenerator,
    ScriptedSandbox,
    fenced,
    prompt_text,
)


def absolute_problem(problem_id: str = "abs") -> Problem:
    """Print the absolute value of an integer; public tests only show non-negative inputs."""
    return Problem(id=problem_id, statement="Read an integer x and print |x|.", io="stdin",
                   public_tests=(TestCase(input="3\n", expected="3\n"),
                                 TestCase(input="5\n", expected="5\n")),
                   hidden_tests=(TestCase(input="-4\n", expected="4\n"),
                                 TestCase(input="7\n", expected="7\n"),
                                 TestCase(input="1000\n", expected="1000\n")))


def _int_program(rule: Callable[[int], int]) -> Behaviour:
    def run(text: str) -> str | Status:
        try:
            return f"{rule(int(text.split()[0]))}\n"
        except (ValueError, IndexError):
            return Status.RUNTIME_ERROR
    return run


BEHAVIOURS: dict[str, Behaviour] = {
    "right": _int_program(abs),
    "identity": _int_program(lambda x: x),
    "small_only": _int_program(lambda x: abs(x) if x < 100 else 0),
    "clamped": _int_program(lambda x: max(x, 0)),
    "off_by_one": _int_program(lambda x: abs(x) + 1),
}
# 16 samples: the correct program is the smallest group; one answer holds no code.
SAMPLES = (["identity"] * 5 + ["clamped"] * 4 + ["small_only"] * 3 + ["right"] * 2
           + ["off_by_one"])
LLM_INPUTS = [{"input": "-2\n", "output": "2\n"}, {"input": "0\n", "output": "0\n"},
              {"input": "150\n", "output": "150\n"}]


def sample_reply(request: GenerationRequest) -> list[str]:
    """The 16 sampled answers (with a comment variant to exercise deduplication)."""
    texts = [fenced(name) for name in SAMPLES]
    texts[1] = fenced("identity", "pass  # same program, other comment")
    return texts + ["I am not sure how to solve this."]


def revise_reply(request: GenerationRequest) -> list[str]:
    """Every revision fixes the program."""
    return [fenced("right")] * request.params.n


def synthesize_reply(request: GenerationRequest) -> list[str]:
    """Inputs with predicted outputs, as a fenced JSON list."""
    return [f"Some tricky cases:\n```json\n{json.dumps(LLM_INPUTS)}\n```"]


def correct_adjudicator(request: GenerationRequest) -> list[str]:
    """A judge that knows the right output: picks the output equal to |input|."""
    text = prompt_text(request)
    found = re.search(r"disagree on this input\.\n\nInput:\n(.*?)\n\nOutput A:\n(.*?)\n\n"
                      r"Output B:\n(.*?)\n\n", text, re.DOTALL)
    assert found, "adjudication prompt lacks input and outputs"
    truth = f"{abs(int(found.group(1).split()[0]))}"
    verdict = "B" if found.group(3).strip() == truth else "A"
    return [f"The correct output is {truth}.\nAnswer: {verdict}"]


def knowing_judge(request: GenerationRequest) -> list[str]:
    """An execution-free judge that recognises the correct program by its name."""
    listing = prompt_text(request).split("Program ")[1:]
    number = next(i + 1 for i, block in enumerate(listing) if '"right"' in block)
    return [f"Program {number} handles negatives.\nAnswer: {number}"]


def scripted(**overrides: Reply) -> tuple[ScriptedGenerator, ScriptedSandbox]:
    """The generator and sandbox of this scenario; keyword arguments replace replies."""
    replies = {"sample": sample_reply, "revise": revise_reply,
               "synthesize": synthesize_reply, "adjudicate": correct_adjudicator,
               "judge": knowing_judge} | overrides
    return ScriptedGenerator(**replies), ScriptedSandbox(dict(BEHAVIOURS))


def fixed(**values: object) -> ScalingConfig:
    """The S* paper's policy, `n` samples per problem in one request (the scripted replies
    answer whole requests), with the settings given."""
    return ScalingConfig.model_validate({"adaptive": AdaptiveConfig(enabled=False)} | values)
