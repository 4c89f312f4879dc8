"""What every `codescale` command shares: settings from a TOML file and flags, and errors
reported as one line on standard error."""

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from codescale.config import Config, ConfigError
from codescale.errors import CodescaleError
from codescale.llm.registry import backends

# The options `solve`, `eval` and `fix` share (each takes its name from the parameter).
Samples = Annotated[int | None, typer.Option(
    help="samples per problem (the most, when sampling adaptively)")]
Rounds = Annotated[int | None, typer.Option(
    help="debug rounds (default: none when sampling adaptively, 2 with --fixed)")]
Backend = Annotated[str | None, typer.Option(
    help=f"generator backend: {', '.join(backends())}")]
Model = Annotated[str | None, typer.Option(help="model name or path")]
BaseUrl = Annotated[str | None, typer.Option(help="openai-compatible endpoint")]
SandboxBackend = Annotated[str | None, typer.Option(help="auto, docker or local")]
MaxTokens = Annotated[int | None, typer.Option(help="tokens per completion")]
Seed = Annotated[int | None, typer.Option(help="sampling seed")]
RayAddress = Annotated[str | None, typer.Option(
    help="run generation and execution on this Ray cluster ('auto', HOST:PORT)")]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="TOML config")]
Adaptive = Annotated[bool | None, typer.Option(
    "--adaptive/--fixed", help="sample in waves until each answer is settled (the default), "
                               "or draw n each and debug 2 rounds, as the S* paper does")]
BudgetTokens = Annotated[int | None, typer.Option(
    help="tokens the whole run may spend (prompt + completion)")]
Revise = Annotated[str | None, typer.Option(
    help="failing: revise every failing program; unsolved: only problems without a passer")]

console = Console(stderr=True)
USER_ERRORS: tuple[type[BaseException], ...] = (CodescaleError, OSError)


def validation_message(error: ValidationError) -> str:
    """A validation error's first problem as `field.path: message`."""
    first = error.errors()[0]
    return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"


def backend_flags(backend: str | None, model: str | None, base_url: str | None,
                  sandbox: str | None, ray_address: str | None = None
                  ) -> dict[str, dict[str, Any]]:
    """The generator, sandbox and cluster flags as the `[llm]`, `[sandbox]` and `[cluster]`
    tables of `load_config`."""
    return {"llm": {"backend": backend, "model": model, "base_url": base_url},
            "sandbox": {"backend": sandbox}, "cluster": {"ray_address": ray_address}}


def scaling_flags(n: int | None, rounds: int | None, max_tokens: int | None, seed: int | None,
                  adaptive: bool | None, budget_tokens: int | None, revise: str | None
                  ) -> dict[str, Any]:
    """The scaling flags `solve` and `eval` share, as the `[scaling]` table of `load_config`."""
    return {"n": n, "rounds": rounds, "max_tokens": max_tokens, "seed": seed, "revise": revise,
            "adaptive": {"enabled": adaptive}, "budget": {"tokens": budget_tokens}}


def _merge(base: dict[str, Any], flags: dict[str, Any]) -> None:
    """Put the given (non-None) flags into `base`, table by table."""
    for key, value in flags.items():
        if isinstance(value, dict):
            _merge(base.setdefault(key, {}), value)
        elif value is not None:
            base[key] = value


def load_config(config_file: Path | None, flags: dict[str, Any]) -> Config:
    """The TOML file's settings (or the defaults), overridden by the flags that were given.

    A flag is a value, or a table (`{"llm": {"model": ...}}`, tables nest) whose given
    (non-None) keys replace the file's."""
    base = Config.from_toml(config_file) if config_file else Config()
    merged = base.model_dump(exclude_unset=True)  # the rest is derived from the final settings
    _merge(merged, flags)
    try:
        return Config.model_validate(merged)
    except ValidationError as error:
        raise ConfigError(validation_message(error)) from None


def fail(error: BaseException) -> NoReturn:
    """Print `error: <cause>` as one line on standard error and exit with status 1."""
    message = str(error).strip() or type(error).__name__
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
