"""The `codescale eval` and `codescale report` commands."""

import sqlite3
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from codescale.cli_support import (
    USER_ERRORS,
    Adaptive,
    Backend,
    BaseUrl,
    BudgetTokens,
    ConfigFile,
    MaxTokens,
    Model,
    RayAddress,
    Revise,
    Rounds,
    Samples,
    SandboxBackend,
    Seed,
    backend_flags,
    console,
    fail,
    load_config,
    scaling_flags,
    validation_message,
)
from codescale.config import run_completion_cache
from codescale.evaluation.artifacts import REPORT, RESULTS
from codescale.evaluation.benchmarks import BenchmarkChoice, load_benchmark
from codescale.evaluation.errors import EvalError
from codescale.evaluation.progress import StageBars
from codescale.evaluation.report_html import SCORE_HEADERS, score_cells
from codescale.evaluation.run import run_eval, write_report
from codescale.evaluation.summary import EvalSummary

_DEFAULT_RUNS = Path("runs")
_ERRORS: tuple[type[BaseException], ...] = (*USER_ERRORS, EvalError, sqlite3.Error)


def summary_tables(summary: EvalSummary) -> list[Table]:
    """The strategy table (accuracy, efficiency, cost) and the pass@k table."""
    trusted = summary.scored - len(summary.untrusted)
    strategies = Table(title=f"strategies (oracle pass@{summary.n}: {100 * summary.oracle:.1f}%; "
                             f"{len(summary.untrusted)} untrusted problems)")
    for column in SCORE_HEADERS:
        strategies.add_column(column)
    for score in summary.strategies:
        strategies.add_row(*score_cells(score, trusted))
    pass_at = Table(title="raw samples")
    pass_at.add_column("k")
    pass_at.add_column("pass@k")
    for point in summary.pass_at_k:
        pass_at.add_row(str(point.k), f"{100 * point.value:.1f}%")
    return [strategies, pass_at]


def _print(summary: EvalSummary, run_dir: Path) -> None:
    out = Console(width=160)
    for table in summary_tables(summary):
        out.print(table)
    out.print(f"results: {run_dir / RESULTS}\nreport: {run_dir / REPORT}")


def _fail(error: BaseException) -> NoReturn:
    if isinstance(error, sqlite3.Error):
        error = EvalError(f"run store: {error}")
    fail(error)


def eval_command(
    target: Annotated[str, typer.Argument(
        help="humaneval, livecodebench, codecontests, a LiveCodeBench .jsonl file, or problem "
             "files/folder")],
    limit: Annotated[int | None, typer.Option(help="first N problems only")] = None,
    data: Annotated[Path | None, typer.Option(
        help="livecodebench: folder of release files (test*.jsonl); codecontests: parquet "
             "shards or JSONL rows (file or folder)")] = None,
    index: Annotated[str | None, typer.Option(
        help="codecontests: problem letters, comma-separated (A,B)")] = None,
    release: Annotated[str | None, typer.Option(
        help="livecodebench: release_vN (v1..vN), vN (that file) or release_latest")] = None,
    start_date: Annotated[str | None, typer.Option(
        help="livecodebench: contests on or after YYYY-MM-DD")] = None,
    end_date: Annotated[str | None, typer.Option(
        help="livecodebench: contests on or before YYYY-MM-DD")] = None,
    difficulty: Annotated[list[str] | None, typer.Option(
        help="livecodebench: easy, medium or hard (repeatable)")] = None,
    n: Samples = None,
    rounds: Rounds = None,
    backend: Backend = None,
    model: Model = None,
    base_url: BaseUrl = None,
    sandbox: SandboxBackend = None,
    ray_address: RayAddress = None,
    max_tokens: MaxTokens = None,
    seed: Seed = None,
    adaptive: Adaptive = None,
    budget_tokens: BudgetTokens = None,
    revise: Revise = None,
    run_dir: Annotated[Path | None, typer.Option(
        help="run directory; rerunning the same command on it resumes "
             "[default: runs/eval-TARGET]")] = None,
    config_file: ConfigFile = None,
) -> None:
    """Sample and debug once, answer with every selection strategy on the same pool, and
    score them all on hidden tests: tables, results JSONL, plots and an HTML report."""
    try:
        choice = BenchmarkChoice.model_validate({
            "target": target, "data": data, "release": release, "start_date": start_date,
            "end_date": end_date,
            "difficulties": tuple(difficulty) if difficulty else None, "limit": limit,
            "letters": tuple(index.split(",")) if index else None})
        directory = run_dir or _DEFAULT_RUNS / f"eval-{Path(target).stem}"
        config = load_config(config_file, {
            "scaling": scaling_flags(n, rounds, max_tokens, seed, adaptive, budget_tokens, revise),
            "run_dir": directory, "completion_cache": run_completion_cache(directory),
            **backend_flags(backend, model, base_url, sandbox, ray_address),
        })
        problems = load_benchmark(choice)
        with StageBars(console) as bars:
            summary = run_eval(target, problems, config, bars)
    except ValidationError as error:
        _fail(EvalError(validation_message(error)))
    except _ERRORS as error:
        _fail(error)
    _print(summary, config.run_dir)


def report_command(
    run_dir: Annotated[Path, typer.Argument(help="an evaluation run directory")],
) -> None:
    """Rescore an evaluation run from its store and rebuild its results, plots and report."""
    try:
        summary = write_report(run_dir)
    except _ERRORS as error:
        _fail(error)
    _print(summary, run_dir)
