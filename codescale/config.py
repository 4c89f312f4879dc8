"""The one configuration object: CLI flags and a TOML file both map onto `Config`."""

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codescale.execution.config import SandboxConfig
from codescale.llm.config import LLMConfig
from codescale.llm.model_file import cache_dir
from codescale.scaling.config import ScalingConfig


class ConfigError(Exception):
    """A configuration file is unreadable or has invalid settings."""


class Config(BaseModel):
    """Every setting of a run, grouped by the stage that reads it."""

    model_config = ConfigDict(extra="forbid")

    llm: LLMConfig = LLMConfig()
    sandbox: SandboxConfig = SandboxConfig()
    scaling: ScalingConfig = ScalingConfig()
    run_dir: Path = Field(default=Path("runs/solve"),
                          description="run store and artifacts; rerunning on it resumes")
    completion_cache: Path | None = Field(
        default_factory=lambda: cache_dir() / "completions.sqlite",
        description="persistent completion cache shared by runs; None disables it")

    @classmethod
    def from_toml(cls, path: Path) -> "Config":
        """Read a TOML file whose tables mirror the fields (`[llm]`, `[sandbox]`, ...)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{path}: cannot read config: {error}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ConfigError(f"{path}: {where}: {first['msg']}") from None
