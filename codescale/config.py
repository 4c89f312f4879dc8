"""The one configuration object: CLI flags and a TOML file both map onto `Config`."""

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codescale.cluster.config import ClusterConfig
from codescale.errors import CodescaleError
from codescale.execution.config import SandboxConfig, sandbox_config
from codescale.fix.config import FixConfig
from codescale.llm.config import LLMConfig, default_llm
from codescale.llm.model_file import cache_dir
from codescale.manifest import decisive_settings, settings_digest
from codescale.scaling.config import ScalingConfig

COMPLETION_CACHE = "completions.sqlite"
RUN_ROOT = Path("runs")


class ConfigError(CodescaleError):
    """A configuration file is unreadable or has invalid settings."""


def default_run_dir(llm: LLMConfig, sandbox: SandboxConfig, scaling: ScalingConfig) -> Path:
    """`runs/solve-<digest>`: one directory per set of decisive settings."""
    return RUN_ROOT / f"solve-{settings_digest(decisive_settings(llm, sandbox, scaling))}"


def run_completion_cache(run_dir: Path) -> Path:
    """A completion cache of one run's own, inside its directory: a new run pays for every
    completion (honest costs), and rerunning it resumes without generating again."""
    return run_dir / COMPLETION_CACHE


class Config(BaseModel):
    """Every setting of a run, grouped by the stage that reads it."""

    model_config = ConfigDict(extra="forbid")

    llm: LLMConfig = Field(default_factory=default_llm)
    sandbox: SandboxConfig = Field(default_factory=sandbox_config)
    scaling: ScalingConfig = ScalingConfig()
    fix: FixConfig = FixConfig()
    cluster: ClusterConfig = ClusterConfig()
    run_dir: Path = Field(
        default_factory=lambda data: default_run_dir(data.get("llm") or default_llm(),
                                                     data.get("sandbox") or sandbox_config(),
                                                     data.get("scaling", ScalingConfig())),
        description="run store and artifacts; rerunning on it resumes. Default: "
                    "runs/solve-<digest of the decisive settings>, so the same settings resume "
                    "and other settings start a run of their own")
    completion_cache: Path | None = Field(
        default_factory=lambda: cache_dir() / COMPLETION_CACHE,
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
