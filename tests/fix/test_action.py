"""action.yml: its inputs map one-to-one onto `codescale fix`'s flags, and its script passes
each input as that flag (run for real with bash, `codescale` replaced by an echo)."""

import os
import subprocess
from pathlib import Path

import typer
import yaml
from typer.main import get_command

from codescale.fix.cli import fix_command

ACTION = Path(__file__).resolve().parents[2] / "action.yml"
FAKE_CLI = '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGS_FILE"\nexit 3\n'


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def _flags() -> dict[str, bool]:
    """Option name without dashes -> whether it is a boolean switch; `repo` the argument."""
    app = typer.Typer(add_completion=False)
    app.command()(fix_command)
    params = get_command(app).params
    found = {p.name.replace("_", "-"): bool(getattr(p, "is_flag", False)) for p in params}
    names = {p.name: p.opts for p in params}
    assert names["config_file"] == ["--config"]
    found["config"] = found.pop("config-file")
    return found


def test_inputs_are_exactly_the_cli_flags() -> None:
    assert set(_action()["inputs"]) == set(_flags())


def _run_step(tmp_path: Path, inputs: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "fix")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "codescale").write_text(FAKE_CLI)
    (bin_dir / "codescale").chmod(0o755)
    defaults = {name: spec.get("default", "") for name, spec in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "ARGS_FILE": str(tmp_path / "args"),
           "GITHUB_OUTPUT": str(tmp_path / "outputs")}
    for key, template in step["env"].items():
        name = template.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = values[name]
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, cwd=tmp_path)
    assert done.returncode == 0  # exit 3 (no fix) is reported, not a failed step
    outputs = dict(line.split("=", 1) for line in (tmp_path / "outputs").read_text().split())
    command, *args = (tmp_path / "args").read_text().splitlines()
    assert command == "fix"
    return args, outputs


def test_every_input_is_passed_as_its_flag(tmp_path: Path) -> None:
    flags = _flags()
    given = {name: ("true" if flags[name] else f"value-of-{name}") for name in flags}
    args, outputs = _run_step(tmp_path, given)
    assert args[0] == "value-of-repo"
    for name, switch in flags.items():
        if name == "repo":
            continue
        assert f"--{name}" in args, name
        if not switch:
            assert args[args.index(f"--{name}") + 1] == f"value-of-{name}"
    assert len(args) == 1 + sum(1 if switch else 2 for n, switch in flags.items() if n != "repo")
    assert outputs == {"exit-code": "3", "fixed": "false"}


def test_empty_inputs_leave_the_cli_defaults(tmp_path: Path) -> None:
    args, _ = _run_step(tmp_path, {})
    assert args == [".", "--output", "codescale-fix.diff", "--summary", "codescale-fix.md"]
