"""`codescale sandbox`: build the sandbox image and check that programs run."""

import subprocess

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from codescale.execution.config import SandboxConfig
from codescale.execution.docker_backend import SANDBOX_FILES
from codescale.execution.errors import SandboxError
from codescale.execution.factory import open_sandbox
from codescale.execution.health import SMOKE, smoke_job

app = typer.Typer(help="Build and check the sandbox that runs candidate programs.",
                  no_args_is_help=True)
console = Console()

BUILD_SCRIPT = SANDBOX_FILES / "build_image.sh"


@app.command()
def build(image: str = typer.Option(SandboxConfig().image, help="tag of the image")) -> None:
    """Build the sandbox image (base built offline unless $CODESCALE_SANDBOX_BASE names one)."""
    if not BUILD_SCRIPT.is_file():
        _fail(f"{BUILD_SCRIPT} not found; reinstall codescale (it ships the image build files)")
    if subprocess.run(["bash", str(BUILD_SCRIPT), image], check=False).returncode != 0:
        _fail("the image build failed (see above)")


@app.command()
def check(backend: str = typer.Option("auto", help="auto, docker or local"),
          image: str = typer.Option(SandboxConfig().image, help="tag of the image")) -> None:
    """Run a few smoke programs and print their verdicts; exit 1 with the reason on failure."""
    try:
        config = SandboxConfig.model_validate({"backend": backend, "image": image, "pool_size": 1})
    except ValidationError:
        _fail(f"unknown backend {backend!r} (auto, docker or local)")
    jobs = [smoke_job(name, code, text, expected) for name, code, text, expected, _ in SMOKE]
    try:
        with open_sandbox(config) as sandbox:
            results = [executions[0] for executions in sandbox.run_many(jobs)]
            title = f"sandbox smoke test ({sandbox.backend} backend)"
    except SandboxError as error:
        _fail(str(error))
    table = Table(title=title)
    for column in ("program", "expected", "got", "time (s)"):
        table.add_column(column)
    wrong = 0
    for (name, *_, wanted), execution in zip(SMOKE, results, strict=True):
        ok = execution.status == wanted
        wrong += not ok
        table.add_row(name, wanted.value, f"[{'green' if ok else 'red'}]{execution.status.value}",
                      f"{execution.duration_s:.3f}")
    console.print(table)
    if wrong:
        _fail(f"{wrong} smoke program(s) got the wrong verdict")


def _fail(reason: str) -> None:
    console.print(f"[red]error:[/red] {reason}")
    raise typer.Exit(1)
