"""The data model shared by every stage: problems, candidates, executions, comparisons, answers.

Values cross module boundaries only as these pydantic models. Most are frozen; `Cost` is
the one accumulator and supports `+`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

IOStyle = Literal["stdin", "call"]


class Frozen(BaseModel):
    """Base for immutable records; unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Check(Frozen):
    """One thing this machine needs or offers (`codescale doctor`, `codescale models`):
    whether it is there, what was found, and what to do when it is not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = Field(default=True, description="the default path needs it")


class TestCase(Frozen):
    """One input and, unless synthesized, its expected output.

    For `stdin` problems `input` is the text fed to standard input and `expected` the
    expected standard output. For `call` problems `input` is a JSON array of positional
    arguments and `expected` the JSON encoding of the return value.
    """

    __test__ = False  # not a pytest test class

    input: str
    expected: str | None = None


class Problem(Frozen):
    """A coding problem: statement, calling convention, tests and resource limits.

    `entry_point` names the function to call for `call` problems: `name` for a plain
    function, `Solution.method` for a LeetCode-style class (instantiated once per input).
    """

    id: str = Field(min_length=1)
    title: str = ""
    statement: str = Field(min_length=1)
    io: IOStyle
    entry_point: str | None = Field(default=None, validate_default=True)
    starter_code: str = ""
    public_tests: tuple[TestCase, ...] = ()
    hidden_tests: tuple[TestCase, ...] = ()
    check_code: str | None = Field(
        default=None,
        description="a benchmark's own test program, run after the candidate; "
        "it passes when it ends without error (HumanEval's `check`)",
    )
    checker_code: str | None = Field(
        default=None,
        description="a stdin program that decides one test where several outputs are right: "
        "it reads JSON {input, expected, output} and exits with 0 to accept")
    reference_solution: str | None = Field(
        default=None, description="a program known to be correct; a problem whose reference "
        "fails its own hidden verdict is reported as untrusted")
    time_limit_s: float = Field(default=2.0, gt=0)
    memory_limit_mb: int = Field(default=256, gt=0)
    source: str = ""

    @field_validator("entry_point")
    @classmethod
    def _entry_point_matches_style(cls, entry_point: str | None,
                                   info: ValidationInfo) -> str | None:
        io = info.data.get("io")
        if io == "call" and not entry_point:
            raise ValueError("a 'call' problem needs an entry_point")
        if io == "stdin" and entry_point:
            raise ValueError("a 'stdin' problem takes no entry_point")
        return entry_point


class Candidate(Frozen):
    """One program for a problem, with its debug lineage and what generating it cost."""

    id: str
    problem_id: str
    code: str
    parent_id: str | None = None
    round: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)


class Status(StrEnum):
    """Verdict of running one candidate on one input.

    `completed` is for inputs without an expected output (synthesized inputs): the
    program ran to a normal end and its output was recorded, nothing was compared.
    """

    PASSED = "passed"
    COMPLETED = "completed"
    WRONG_ANSWER = "wrong_answer"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    SANDBOX_ERROR = "sandbox_error"

    @property
    def ran_cleanly(self) -> bool:
        """True when the program produced an output worth comparing."""
        return self in (Status.PASSED, Status.COMPLETED, Status.WRONG_ANSWER)


class Execution(Frozen):
    """The result of one candidate on one input.

    `stdout` is the program's standard output for `stdin` problems and the JSON
    encoding of the return value for `call` problems. Both streams are truncated.
    """

    candidate_id: str
    input: str
    status: Status
    stdout: str = ""
    stderr: str = ""
    duration_s: float = Field(default=0.0, ge=0)
    peak_memory_mb: float | None = None


class Stage(StrEnum):
    """A kind of work a run spends on; strategies declare the ones their answers need."""

    SAMPLE = "sample"
    PUBLIC_TESTS = "public tests"
    DEBUG = "debug round"
    SYNTHESIZE = "synthesize inputs"
    SYNTHESIZED_RUNS = "synthesized inputs"
    ADJUDICATE = "adjudicate"
    LLM_JUDGE = "llm judge"
    HIDDEN_TESTS = "hidden tests"
    REPOSITORY_TESTS = "repository tests"
    PROBES = "probes"


class Step(Frozen):
    """One run of a stage: the stage and, for debugging, its round (1, 2, ...; 0 otherwise)."""

    stage: Stage
    round: int = Field(default=0, ge=0)

    @property
    def label(self) -> str:
        """How the step is shown: `sample`, `debug round 2`."""
        return f"{self.stage} {self.round}" if self.round else str(self.stage)


Decider = Literal["llm", "execution", "oracle", "majority", "public_tests", "smaller_patch"]
"""Who decided a match; `execution`: the side that never failed where the other ran
cleanly, recorded on the first input where the other failed."""


class Comparison(Frozen):
    """Two candidates that behave differently on one input, and who was judged right."""

    problem_id: str
    candidate_a: str
    candidate_b: str
    input: str
    output_a: str
    output_b: str
    winner: Literal["a", "b", "tie"]
    decided_by: Decider
    rationale: str = ""


class Cost(BaseModel):
    """What producing an answer cost; the pipeline adds these up stage by stage."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    executions: int = 0
    wall_time_s: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            llm_calls=self.llm_calls + other.llm_calls,
            executions=self.executions + other.executions,
            wall_time_s=self.wall_time_s + other.wall_time_s,
        )


class Evidence(Frozen):
    """Why the chosen candidate was chosen."""

    public_passed: int = 0
    public_total: int = 0
    comparisons_won: int = 0
    comparisons_total: int = 0
    cluster_size: int = 0


class Answer(Frozen):
    """The program a strategy selected for a problem, or an abstention with its reason."""

    problem_id: str
    strategy: str
    candidate_id: str | None = None
    code: str | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: Evidence = Evidence()
    cost: Cost = Cost()
    abstained: bool = False
    reason: str = ""

    @model_validator(mode="after")
    def _code_unless_abstained(self) -> Answer:
        if self.abstained == (self.code is not None):
            raise ValueError("an answer has code exactly when it does not abstain")
        return self
