"""Settings of the S* pipeline; every default follows the S* paper (Li et al., 2025)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class BudgetCaps(BaseModel):
    """Spending limits for one `solve` call; None means unlimited."""

    model_config = ConfigDict(extra="forbid")

    tokens: int | None = Field(default=None, ge=0, description="prompt + completion tokens")
    llm_calls: int | None = Field(default=None, ge=0, description="generation requests")
    executions: int | None = Field(default=None, ge=0, description="program runs, one per input")
    wall_time_s: float | None = Field(default=None, ge=0)


class AdaptiveConfig(BaseModel):
    """Sampling in waves: a problem stops drawing samples once its answer is settled, and a
    token budget goes to the problems where more samples can still change the answer."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="sample in waves (off: `n` samples each, "
                                                    "as in the S* paper)")
    wave: int = Field(default=4, ge=1, description="samples in a problem's first wave; each "
                                                   "later wave doubles its samples")
    margin: int = Field(
        default=3, ge=1, description="a problem is settled once its public-test passers all "
                                     "behave alike, or their largest behaviour cluster holds "
                                     "this many more samples than any other")
    reserve: float = Field(
        default=0.3, ge=0.0, lt=1.0, description="share of a token budget that sampling and "
                                                 "debugging leave to input synthesis and "
                                                 "adjudication")


BEFORE_WAVES = AdaptiveConfig(enabled=False)
"""What runs made before adaptive sampling existed did: draw `n` samples per problem."""


class ScalingConfig(BaseModel):
    """How many programs to sample, how to debug them, and how to pick one."""

    model_config = ConfigDict(extra="forbid")

    n: int = Field(default=16, ge=1,
                   description="samples per problem (the most, when sampling in waves)")
    temperature: float = Field(default=0.7, ge=0.0)
    greedy_sample: bool = Field(
        default=False, description="decode sample 0 greedily (temperature 0), so the pool "
                                   "always holds the program greedy decoding writes")
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    max_tokens: int = Field(default=1024, ge=1, description="per completion")
    rounds: int = Field(
        default=0, ge=0, description="debug rounds on public tests; when not given, none under "
                                     "adaptive sampling (fresh samples beat revisions at equal "
                                     "tokens on HumanEval) and the paper's 2 for fixed `n`")
    revise: Literal["failing", "unsolved"] = Field(
        default="failing", description="which candidates a debug round revises: every failing "
                                       "one (the S* paper), or only those of problems with no "
                                       "public-test passer yet, while rounds make progress")
    adaptive: AdaptiveConfig = AdaptiveConfig()
    seed: int = 0
    selector: str = Field(default="sstar", description="the strategy whose answer is returned")
    baselines: tuple[str, ...] = Field(
        default=(), description="further strategies answered on the same pool and stored")
    llm_inputs: int = Field(default=10, ge=0, description="inputs the LLM is asked to synthesize")
    hypothesis_inputs: int = Field(default=10, ge=0, description="inputs fuzzed from public tests")
    judge_temperature: float = Field(default=0.0, ge=0.0,
                                     description="for adjudication and input synthesis")
    judge_both_orders: bool = Field(
        default=False, description="judge each match twice, the outputs swapped the second "
                                   "time; a verdict that changes with the order is a tie")
    feedback_chars: int = Field(default=1500, ge=100,
                                description="longest input/output quoted in a revision prompt")
    budget: BudgetCaps = BudgetCaps()

    @model_validator(mode="after")
    def _policy_rounds(self) -> "ScalingConfig":
        """Debug rounds, when not given, follow the sampling policy: 0 adaptive, 2 fixed. The
        derived value is not marked as given, so settings merged later derive it again."""
        if "rounds" not in self.model_fields_set:
            self.__dict__["rounds"] = 0 if self.adaptive.enabled else 2
        return self

    def as_fixed(self) -> "ScalingConfig":
        """These settings under the paper's fixed-`n` policy (rounds derived again unless
        they were given)."""
        values = self.model_dump(exclude_unset=True)
        return ScalingConfig.model_validate(
            values | {"adaptive": values.get("adaptive", {}) | {"enabled": False}})

    @field_validator("selector", "baselines")
    @classmethod
    def _registered(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        """Every strategy named must be registered (`codescale.scaling.registry`)."""
        from codescale.scaling.registry import strategy_names  # the registry imports this module

        known = strategy_names()
        for name in (value,) if isinstance(value, str) else value:
            if name not in known:
                raise ValueError(f"unknown strategy {name!r}; known: {', '.join(known)}")
        return value
