"""`codescale sandbox`: build the sandbox image and check that programs run."""

import subprocess
from contextlib import closing

import typer
from rich.console import Console
from rich.table import Table

from codescale.execution.backends.docker import ContainerSettings
from codescale.execution.config import sandbox_config
from codescale.execution.docker_backend import SANDBOX_FILES
from codescale.execution.errors import SandboxError
from codescale.execution.health import SMOKE, smoke_job
from codescale.execution.registry import backends

app = typer.Typer(help="Build and check the sandbox that runs candidate programs.",
                  no_args_is_help=True)
console = Console()

BUILD_SCRIPT = SANDBOX_FILES / "build_image.sh"
DEFAULT_IMAGE = ContainerSettings.model_fields["image"].default


@app.command()
def build(image: str = typer.Option(DEFAULT_IMAGE, help="tag of the image")) -> None:
    """Build the sandbox image (base built offline unless $CODESCALE_SANDBOX_BASE names one)."""
    if not BUILD_SCRIPT.is_file():
        _fail(f"{BUILD_SCRIPT} not found; reinstall codescale (it ships the image build files)")
    if subprocess.run(["bash", str(BUILD_SCRIPT), image], check=False).returncode != 0:
        _fail("the image build failed (see above)")


@app.command()
def check(backend: str = typer.Option("auto", help=f"one of: {', '.join(backends())}"),
          image: str = typer.Option(DEFAULT_IMAGE, help="tag of the image (container backends)")
          ) -> None:
    """Run a few smoke programs and print their verdicts; exit 1 with the reason on failure."""
    if backend not in backends():
        _fail(f"unknown backend {backend!r} (one of: {', '.join(backends())})")
    container = issubclass(backends()[backend], ContainerSettings)
    config = sandbox_config(backend=backend, pool_size=1, **({"image": image} if container else {}))
    jobs = [smoke_job(name, code, text, expected) for name, code, text, expected, _ in SMOKE]
    try:
        with closing(config.open()) as sandbox:
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
