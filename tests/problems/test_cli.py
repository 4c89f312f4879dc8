"""`codescale problems check` as a user runs it: the installed console script."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"


def run_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["codescale", "problems", "check", *map(str, paths)],
                          capture_output=True, text=True, timeout=60, cwd=REPO)


def test_examples_pass() -> None:
    result = run_check(REPO / "problems")
    assert result.returncode == 0, result.stderr
    assert "problem file(s) valid" in result.stdout
    assert result.stderr == ""


def test_broken_fixtures_fail_with_one_line_each() -> None:
    result = run_check(BROKEN)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    files = sorted(BROKEN.glob("*.yaml"))
    assert lines[-1] == f"{len(files)} error(s)"
    defect_lines = lines[:-1]
    assert len(defect_lines) == len(files)
    for path, line in zip(files, sorted(defect_lines), strict=True):
        assert line.startswith(f"{path}: ")
    assert "Traceback" not in result.stderr


def test_missing_path_is_one_line() -> None:
    result = run_check(REPO / "no-such-folder" / "x.yaml")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 2
    assert "cannot read file" in result.stderr
