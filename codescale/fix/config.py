"""The `[fix]` table of the one `Config`: what only the CI bot needs. How many patches to
sample, how to debug and how to select them are the `[scaling]` settings, as for `solve`."""

from pydantic import BaseModel, ConfigDict, Field


class FixConfig(BaseModel):
    """The repository's test command and the limits of one run of it."""

    model_config = ConfigDict(extra="forbid")

    test_command: str = Field(default="pytest -q", min_length=1,
                              description="run with sh in the repository copy")
    timeout_s: float = Field(default=300.0, gt=0, description="one run of the test command")
    memory_mb: int = Field(default=512, gt=0, description="memory of one test run")
