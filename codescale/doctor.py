"""`codescale doctor`: is this machine ready for the default path (the embedded model, the
sandbox)? One line per check, each failure with what to do; exit 0 when every required
check passes, 1 otherwise; `--json` for CI."""

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from codescale.config import Config
from codescale.execution.health import sandbox_checks
from codescale.llm.availability import checks as generator_checks
from codescale.llm.model_file import cache_dir
from codescale.manifest import package_version
from codescale.models import Check

MIN_FREE_GIB = 2.0
MIN_MEMORY_GIB = 2.0


def _python() -> Check:
    package = package_version()
    ok = sys.version_info >= (3, 11) and package != "unknown"
    return Check(name="python", ok=ok, fix="use Python >= 3.11 and run: pip install -e .",
                 detail=f"Python {sys.version.split()[0]}, codescale {package}")


def _existing(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists (where a new directory would go)."""
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _disk(run_root: Path) -> Check:
    places = {"runs": run_root, "caches": cache_dir()}
    free = {name: shutil.disk_usage(_existing(path)).free / 2**30 for name, path in places.items()}
    low = [name for name, gib in free.items() if gib < MIN_FREE_GIB]
    return Check(name="free disk", ok=not low,
                 detail=", ".join(f"{name} ({places[name]}): {gib:.1f} GiB free"
                                  for name, gib in free.items()),
                 fix=f"free at least {MIN_FREE_GIB:.0f} GiB for {', '.join(low)}")


def _machine() -> Check:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return Check(name="cores and memory", ok=memory >= MIN_MEMORY_GIB, required=False,
                 detail=f"{os.cpu_count()} cores, {memory:.1f} GiB memory",
                 fix=f"the embedded model and sandbox want {MIN_MEMORY_GIB:.0f} GiB or more")


def diagnose(config: Config) -> list[Check]:
    """Every check, in display order (runs a sandbox program and a smoke decode: seconds)."""
    return [_python(), *sandbox_checks(config.sandbox), *generator_checks(thorough=True),
            _disk(config.run_dir.parent), _machine()]


def _line(check: Check) -> str:
    mark = "ok  " if check.ok else ("FAIL" if check.required else "warn")
    fix = f" -> {check.fix}" if check.fix and not check.ok else ""
    return f"{mark} {check.name}: {check.detail}{fix}"


def doctor(as_json: Annotated[bool, typer.Option("--json", help="print the checks as JSON")
                              ] = False) -> None:
    """Check this machine for the default path: exit 0 when it is ready, 1 otherwise."""
    found = diagnose(Config())
    ready = all(check.ok for check in found if check.required)
    if as_json:
        typer.echo(json.dumps({"ready": ready,
                               "checks": [check.model_dump() for check in found]}, indent=1))
    else:
        for check in found:
            typer.echo(_line(check))
        typer.echo("ready" if ready else "not ready: fix the FAIL lines above")
    raise typer.Exit(0 if ready else 1)
