"""`codescale solve` end to end: the embedded model in the real sandbox, and clear errors."""

import json
import subprocess
from pathlib import Path

import pytest

from codescale import load_problems
from codescale.models import Status
from codescale.store import RunStore, Spending

REPO = Path(__file__).resolve().parents[1]


def charges(run_dir: Path) -> list[Spending]:
    """Every generation and execution charge the run directory's store has recorded."""
    store = RunStore.open(run_dir)
    try:
        return [s for s in store.spending() if s.problem_id]
    finally:
        store.close()


def solve(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["codescale", "solve", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


@pytest.mark.model
@pytest.mark.docker
def test_solves_an_example_and_resumes_for_free(tmp_path: Path) -> None:
    # the paper's fixed-n policy (the default, adaptive sampling, has its own test below)
    config = tmp_path / "codescale.toml"  # a cold completion cache: the first run pays
    config.write_text(f'completion_cache = "{tmp_path / "completions.sqlite"}"\n')
    args = ["problems/leap-year.yaml", "--fixed", "--n", "2", "--rounds", "1",
            "--max-tokens", "256", "--sandbox", "docker", "--run-dir", str(tmp_path / "run"),
            "--config", str(config), "--json"]
    first = solve(*args)
    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout.strip().splitlines()[-1])
    assert answer["problem_id"] == "leap-year"
    assert answer["cost"]["llm_calls"] >= 1
    assert answer["cost"]["executions"] >= 1
    if answer["abstained"]:
        assert answer["code"] is None and answer["reason"]
    else:
        assert isinstance(answer["hidden_passed"], bool) and answer["code"]
    charged = charges(tmp_path / "run")

    again = solve(*args)
    assert again.returncode == 0, again.stderr
    replay = json.loads(again.stdout.strip().splitlines()[-1])
    assert (replay["candidate_id"], replay["code"]) == (answer["candidate_id"], answer["code"])
    assert charges(tmp_path / "run") == charged  # nothing generated or executed again
    same_cost = {key: value for key, value in answer["cost"].items() if key != "wall_time_s"}
    assert {key: replay["cost"][key] for key in same_cost} == same_cost

    other = solve(*[("3" if arg == "2" else arg) for arg in args])  # --n 3
    assert other.returncode == 1
    assert other.stderr.count("\n") == 1  # one line
    assert "scaling.n=2; this run has scaling.n=3" in other.stderr
    assert "--run-dir" in other.stderr
    assert charges(tmp_path / "run") == charged


@pytest.mark.model
@pytest.mark.docker
def test_adaptive_sampling_with_the_embedded_model_in_the_sandbox(tmp_path: Path) -> None:
    config = tmp_path / "codescale.toml"
    config.write_text(f'completion_cache = "{tmp_path / "completions.sqlite"}"\n'
                      "[scaling.adaptive]\nwave = 2\nmargin = 2\n")
    result = solve("problems/leap-year.yaml", "--adaptive", "--n", "6", "--rounds", "0",
                   "--max-tokens", "256", "--sandbox", "docker", "--run-dir",
                   str(tmp_path / "run"), "--config", str(config), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["problem_id"] == "leap-year"
    store = RunStore.open(tmp_path / "run")
    try:
        waves = [key for key in ("sample:leap-year", "sample:leap-year:1", "sample:leap-year:2")
                 if store.step(key) is not None]
        sampled = [s for s in store.spending() if s.problem_id and s.step.stage == "sample"]
        drawn = store.candidates("leap-year")
        public = load_problems(REPO / "problems/leap-year.yaml")[0].public_tests
        passing = sum(copies for candidate, copies in drawn
                      if all(run is not None and run.status == Status.PASSED
                             for run in store.executions(candidate.id, public)))
    finally:
        store.close()
    assert waves and waves == ["sample:leap-year", "sample:leap-year:1",
                               "sample:leap-year:2"][:len(waves)]
    assert len(sampled) == len(waves)  # one generation request per wave
    assert sum(copies for _, copies in drawn) <= 2 * len(waves)
    if len(waves) < 3:  # stopped before n: two passing samples agreed
        assert passing >= 2


def test_malformed_problem_file_is_one_line(tmp_path: Path) -> None:
    result = solve(str(REPO / "tests/problems/broken/unknown-style.yaml"),
                   "--run-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {REPO / 'tests/problems/broken/unknown-style.yaml'}: io: unknown value "
        "'interactive': Input should be 'stdin' or 'call'"]


def test_unreachable_endpoint_is_one_line(tmp_path: Path) -> None:
    result = solve("problems/median.yaml", "--backend", "openai", "--model", "any",
                   "--base-url", "http://127.0.0.1:9/v1", "--sandbox", "local",
                   "--run-dir", str(tmp_path), timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "127.0.0.1:9" in lines[0]
    assert "Traceback" not in result.stderr


def test_invalid_flag_value_is_one_line(tmp_path: Path) -> None:
    result = solve("problems/median.yaml", "--selector", "best", "--run-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: scaling.selector: ")
