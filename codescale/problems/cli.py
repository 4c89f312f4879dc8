"""`codescale problems ...`: validate and inspect problem files."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from codescale.problems.files import check_problem_files

app = typer.Typer(help="Validate and inspect problem files.", no_args_is_help=True)


@app.command()
def check(paths: Annotated[list[Path], typer.Argument(help="problem files or folders")]) -> None:
    """Validate problem files; print one line per defect and exit 1 if there are any."""
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    problems, errors = check_problem_files(paths)
    for problem in problems:
        console.print(f"ok  {problem.source}  [{problem.io}] {len(problem.public_tests)} public, "
                      f"{len(problem.hidden_tests)} hidden tests", markup=False)
    for line in errors:
        err.print(line, markup=False, soft_wrap=True)
    if errors:
        err.print(f"{len(errors)} error(s)")
        raise typer.Exit(1)
    if not problems:
        err.print(f"error: no problem files (*.yaml, *.yml) under {', '.join(map(str, paths))}")
        raise typer.Exit(1)
    console.print(f"{len(problems)} problem file(s) valid")
