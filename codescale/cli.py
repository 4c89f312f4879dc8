"""The `codescale` command line."""

import typer

from codescale.problems.cli import app as problems_app

app = typer.Typer(help="Test-time scaling for code generation: sample, execute, debug, select.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(problems_app, name="problems")
