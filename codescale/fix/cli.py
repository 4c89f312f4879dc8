"""`codescale fix`: propose a verified patch for a repository's failing tests (the CI bot).

Exit codes: 0 when a verified fix was found or the tests already pass, 3 when no verified fix
was found, 1 on an error (one line on standard error naming the cause), 2 on bad flags.
"""

from pathlib import Path
from typing import Annotated

import typer

from codescale.api import Session
from codescale.cli_support import (
    USER_ERRORS,
    Backend,
    BaseUrl,
    ConfigFile,
    MaxTokens,
    Model,
    Rounds,
    Samples,
    SandboxBackend,
    Seed,
    backend_flags,
    fail,
    load_config,
)
from codescale.fix.identity import default_fix_run_dir, repository_manifest
from codescale.fix.snapshot import Snapshot
from codescale.fix.summary import markdown
from codescale.fix.worktree import apply_patch, ensure_clean

EXIT_NO_FIX = 3


def fix_command(
    repo: Annotated[Path, typer.Argument(help="the repository whose tests fail")],
    test_cmd: Annotated[str | None, typer.Option(
        help="the test command, run with sh in the sandbox (default: pytest -q)")] = None,
    n: Samples = None,
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
    run_dir: Annotated[Path | None, typer.Option(
        help="run directory (rerun resumes); default ~/.cache/codescale/runs/fix-<digest of "
             "the settings and the repository>")
                       ] = None,
    config_file: ConfigFile = None,
) -> None:
    """Propose a verified patch for the failing tests of REPO and print a Markdown summary."""
    try:
        config = load_config(config_file, {
            "scaling": {"n": n, "rounds": rounds, "max_tokens": max_tokens, "seed": seed},
            "fix": {"test_command": test_cmd, "timeout_s": timeout},
            **backend_flags(backend, model, base_url, sandbox)})
        root = repo.resolve()
        if apply:
            ensure_clean(root)
        snapshot = Snapshot.read(root)
        where = run_dir or default_fix_run_dir(repository_manifest(config, snapshot))
        with Session(config) as session:
            report = session.fix(snapshot, where)
        text = markdown(report)
        if summary is not None:
            summary.write_text(text, encoding="utf-8")
        if report.selection is not None:
            if output is not None:
                output.write_text(report.selection.chosen.diff, encoding="utf-8")
            if apply:
                apply_patch(root, report.selection.chosen.diff)
    except USER_ERRORS as error:
        fail(error)
    typer.echo(text)
    raise typer.Exit(EXIT_NO_FIX if report.status == "no_fix" else 0)
