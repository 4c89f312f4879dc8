"""`codescale models`: the availability table and `setup`."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codescale.llm import model_file
from codescale.llm.cli import app
from codescale.llm.llamacpp_check import library_dir, recorded


def test_the_table_lists_every_component(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, [], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for component in ("embedded model parts", "embedded model file", "llama-cpp-python",
                      "httpx", "vllm", "GPU"):
        assert component in result.output
    assert "not assembled; run: codescale models setup" in result.output


@pytest.mark.model
def test_setup_prints_the_verified_model_path(monkeypatch: pytest.MonkeyPatch) -> None:
    directory = library_dir()
    assert directory is not None
    # Naming the library explicitly means "use this build": setup checks it, never rebuilds.
    monkeypatch.setenv("LLAMA_CPP_LIB_PATH", str(directory))
    result = CliRunner().invoke(app, ["setup"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1])
    assert path.stat().st_size == model_file.EMBEDDED.size
    assert model_file.is_verified(path, model_file.EMBEDDED)
    verdict = recorded(directory)
    assert verdict is not None and verdict.ok, verdict
