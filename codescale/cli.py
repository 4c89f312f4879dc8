"""The `codescale` command line."""

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from codescale.api import Session
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
)
from codescale.doctor import doctor
from codescale.evaluation.cli import eval_command, report_command
from codescale.evaluation.scoring import score_answers
from codescale.execution.cli import app as sandbox_app
from codescale.fix.cli import fix_command
from codescale.llm.cli import app as models_app
from codescale.problems import load_problems
from codescale.problems.cli import app as problems_app
from codescale.report import answers_table, chosen_programs
from codescale.scaling.runner import Event

app = typer.Typer(help="Test-time scaling for code generation: sample, execute, debug, select.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(problems_app, name="problems")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(models_app, name="models")
app.command("fix")(fix_command)
app.command("eval")(eval_command)
app.command("report")(report_command)
app.command("doctor")(doctor)

@app.callback()
def main() -> None:
    """Warnings (such as a sandbox fallback) print as one line on standard error."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")


@app.command()
def solve(
    paths: Annotated[list[Path], typer.Argument(help="problem files or folders")],
    n: Samples = None,
    rounds: Rounds = None,
    selector: Annotated[str | None, typer.Option(help="selection strategy")] = None,
    baseline: Annotated[list[str] | None, typer.Option(
        help="more strategies to answer from the same pool (repeatable)")] = None,
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
        help="run directory (rerun resumes); default runs/solve-<settings digest>")] = None,
    config_file: ConfigFile = None,
    score: Annotated[bool, typer.Option(help="check answers on the hidden tests")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="print answers as JSON lines")] = False,
) -> None:
    """Solve problem files with S* test-time scaling and print the chosen programs."""
    try:
        config = load_config(config_file, {
            "scaling": scaling_flags(n, rounds, max_tokens, seed, adaptive, budget_tokens, revise)
            | {"selector": selector, "baselines": tuple(baseline) if baseline else None},
            "run_dir": run_dir, **backend_flags(backend, model, base_url, sandbox, ray_address),
        })
        problems = load_problems(paths)
        with Session(config) as session, _progress_display() as show:
            answers = session.solve_all(problems, show)
            hidden = score_answers(session, problems, answers, show) if score else {}
    except USER_ERRORS as error:
        fail(error)
    if as_json:
        for answer in answers:
            row = answer.model_dump(mode="json")
            row["hidden_passed"] = hidden.get(answer.problem_id)
            typer.echo(json.dumps(row))
    else:
        out = Console(width=None if sys.stdout.isatty() else 160)
        out.print(chosen_programs(answers))
        out.print(answers_table(answers, hidden))
        out.print(f"run recorded in {config.run_dir / 'run.sqlite'}")


class _progress_display:
    """A live rich progress bar fed by pipeline events, shown from the first event on (so an
    error before any work is its one line alone)."""

    def __enter__(self):
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                             console=console, transient=True)
        self._task = None
        return self._show

    def _show(self, event: Event) -> None:
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None)
        self._bar.update(self._task, description=f"{event.stage}: {event.message}",
                         completed=event.done, total=event.total or None)

    def __exit__(self, *exc_info) -> None:
        if self._task is not None:
            self._bar.stop()
