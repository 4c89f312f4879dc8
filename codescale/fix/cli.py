"""`codescale fix`: propose a verified patch for a repository's failing tests (the CI bot).

Exit codes: 0 when a verified fix was found or the tests already pass, 3 when no verified fix
was found, 1 on an error (one line on standard error naming the cause), 2 on bad flags.
"""

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from codescale.api import opened_generator
from codescale.cli_support import (
    USER_ERRORS,
    Backend,
    BaseUrl,
    ConfigFile,
    MaxTokens,
    Model,
    Rounds,
    SandboxBackend,
    Seed,
    backend_flags,
    fail,
    load_config,
    validation_message,
)
from codescale.config import Config, ConfigError
from codescale.execution.factory import open_sandbox
from codescale.fix.bot import fix
from codescale.fix.config import FixConfig
from codescale.fix.errors import FixError
from codescale.fix.snapshot import Snapshot
from codescale.fix.summary import markdown
from codescale.fix.worktree import apply_patch, ensure_clean
from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator

EXIT_NO_FIX = 3
_ERRORS: tuple[type[BaseException], ...] = (FixError, *USER_ERRORS)


class _LazyGenerator:
    """Opens the real generator on first use, so a green suite never loads a model."""

    def __init__(self, open_generator: Callable[[], Generator]) -> None:
        self._open = open_generator
        self._generator: Generator | None = None

    @property
    def name(self) -> str:
        return "lazy"

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        if self._generator is None:
            self._generator = self._open()
        return self._generator.generate(requests)


def _settings(config_file: Path | None, flags: dict[str, Any],
              fix_flags: dict[str, Any]) -> tuple[Config, FixConfig]:
    """The run's Config (TOML file or defaults, then flags) and the bot's settings."""
    config = load_config(config_file, flags)
    try:
        settings = FixConfig.model_validate({k: v for k, v in fix_flags.items() if v is not None})
    except ValidationError as error:
        raise ConfigError(validation_message(error)) from None
    return config, settings


def fix_command(
    repo: Annotated[Path, typer.Argument(help="the repository whose tests fail")],
    test_cmd: Annotated[str, typer.Option(help="the test command, run with sh in the sandbox")
                        ] = "pytest -q",
    n: Annotated[int | None, typer.Option(help="candidate patches sampled")] = None,
    rounds: Rounds = None,
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    sandbox: SandboxBackend = None,
    max_tokens: MaxTokens = None,
    seed: Seed = None,
    timeout: Annotated[float | None, typer.Option(help="seconds per test run")] = None,
    output: Annotated[Path | None, typer.Option(help="write the patch here")] = None,
    summary: Annotated[Path | None, typer.Option(help="write the Markdown summary here")
                       ] = None,
    apply: Annotated[bool, typer.Option(help="git apply the patch to a clean REPO")] = False,
    config_file: ConfigFile = None,
) -> None:
    """Propose a verified patch for the failing tests of REPO and print a Markdown summary."""
    try:
        config, settings = _settings(
            config_file, backend_flags(backend, model, base_url, sandbox),
            {"test_command": test_cmd, "n": n, "rounds": rounds, "max_tokens": max_tokens,
             "seed": seed, "timeout_s": timeout})
        root = repo.resolve()
        if apply:
            ensure_clean(root)
        snapshot = Snapshot.read(root)
        with ExitStack() as stack:
            opened = open_sandbox(config.sandbox)
            stack.callback(opened.close)
            generator = _LazyGenerator(lambda: stack.enter_context(opened_generator(config)))
            report = fix(snapshot, settings, generator, opened)
        text = markdown(report)
        if summary is not None:
            summary.write_text(text, encoding="utf-8")
        if report.selection is not None:
            if output is not None:
                output.write_text(report.selection.chosen.diff, encoding="utf-8")
            if apply:
                apply_patch(root, report.selection.chosen.diff)
    except _ERRORS as error:
        fail(error)
    typer.echo(text)
    raise typer.Exit(EXIT_NO_FIX if report.status == "no_fix" else 0)
