"""`codescale eval` and `codescale report`: tables on stdout, one-line errors on stderr."""

import subprocess
from pathlib import Path

import pytest

from codescale.evaluation.summary import EvalSummary

REPO = Path(__file__).resolve().parents[2]


def codescale(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["codescale", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_report_rebuilds_and_prints_the_tables(evaluated: tuple[Path, EvalSummary]) -> None:
    run_dir, _ = evaluated
    (run_dir / "report.html").unlink()
    result = codescale("report", str(run_dir))
    assert result.returncode == 0, result.stderr
    assert "oracle pass@8: 100.0%" in result.stdout
    sstar_row = next(line for line in result.stdout.splitlines() if " sstar " in line)
    assert "2/2" in sstar_row and "100.0%" in sstar_row
    assert (run_dir / "report.html").is_file()


def test_report_of_a_directory_that_is_no_run(tmp_path: Path) -> None:
    line = _one_error_line(codescale("report", str(tmp_path)))
    assert line == f"error: {tmp_path}: not an evaluation run directory (eval.json missing)"


def test_missing_dataset_path(tmp_path: Path) -> None:
    line = _one_error_line(codescale("eval", str(tmp_path / "nowhere"), "--run-dir",
                                     str(tmp_path / "run")))
    assert line.startswith(f"error: {tmp_path / 'nowhere'}: no such file or folder")
    line = _one_error_line(codescale("eval", "livecodebench", "--run-dir", str(tmp_path)))
    assert "livecodebench needs --data" in line


def test_livecodebench_filters_are_flags(tmp_path: Path) -> None:
    line = _one_error_line(codescale(
        "eval", "livecodebench", "--data", "tests/problems/fixtures/livecodebench",
        "--difficulty", "hard", "--start-date", "2030-01-01", "--run-dir", str(tmp_path)))
    assert line == "error: livecodebench: no problems to evaluate"
    line = _one_error_line(codescale(
        "eval", "livecodebench", "--data", "tests/problems/fixtures/livecodebench",
        "--start-date", "yesterday", "--run-dir", str(tmp_path)))
    assert line.startswith("error: start_date: Input should be a valid date")


def test_unreachable_backend(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    line = _one_error_line(codescale(
        "eval", "problems/median.yaml", "--backend", "openai", "--model", "any",
        "--base-url", "http://127.0.0.1:9/v1", "--sandbox", "local", "--run-dir", str(run_dir)))
    assert "127.0.0.1:9" in line
    # The run's completion cache is its own: a new run directory pays for every token.
    assert (run_dir / "completions.sqlite").is_file()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "problems.jsonl.partial").symlink_to("/dev/full")  # writes fail with ENOSPC
    line = _one_error_line(codescale("eval", "problems/median.yaml", "--run-dir", str(run_dir)))
    assert line == f"error: {run_dir / 'problems.jsonl'}: cannot write: No space left on device"
