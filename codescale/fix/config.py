"""Settings of the CI bot (`codescale fix`)."""

from pydantic import BaseModel, ConfigDict, Field


class FixConfig(BaseModel):
    """How many patches to sample, how long to debug them, and how to pick one."""

    model_config = ConfigDict(extra="forbid")

    test_command: str = Field(default="pytest -q", min_length=1,
                              description="run with sh in the repository copy")
    n: int = Field(default=8, ge=1, description="candidate patches sampled")
    rounds: int = Field(default=2, ge=0, description="debug rounds for failing patches")
    temperature: float = Field(default=0.7, ge=0.0)
    max_tokens: int = Field(default=768, ge=1, description="per completion")
    seed: int = 0
    timeout_s: float = Field(default=300.0, gt=0, description="one run of the test command")
    memory_mb: int = Field(default=512, gt=0, description="memory of one test run")
    llm_inputs: int = Field(default=5, ge=0,
                            description="distinguishing inputs the LLM is asked for")
    hypothesis_inputs: int = Field(default=10, ge=0,
                                   description="inputs fuzzed from the calls in the tests")
    judge_temperature: float = Field(default=0.0, ge=0.0)
    feedback_chars: int = Field(default=1500, ge=100,
                                description="longest traceback or output quoted in a prompt")
