"""`codescale models`: the availability table and `setup`."""

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codescale.llm import cli, model_file
from codescale.llm.availability import checks
from codescale.llm.availability import model_file as model_file_check
from codescale.llm.cli import app
from codescale.llm.cpu_build import BuildPlan, cpu_requirements
from codescale.llm.llamacpp_check import LibraryCheck, library_dir, recorded
from codescale.llm.model_file import (
    CODER_0_5B_IQ4NL,
    CODER_1_5B,
    EMBEDDED,
    EmbeddedSpec,
    RequantizedSpec,
)


def test_the_table_lists_every_component(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(app, [], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for component in ("embedded model parts", "embedded model file", "llama-cpp-python",
                      "httpx", "vllm", "GPU", "qwen2.5-coder-1.5b parts",
                      "qwen2.5-coder-1.5b file"):
        assert component in result.output
    assert "not assembled; run: codescale models setup" in result.output


def test_the_1_5b_is_reported_but_never_required(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(model_file, "find_part", lambda package: None)
    found = {check.name: check for check in checks() if check.name.startswith("qwen2.5-coder-1")}
    assert list(found) == ["qwen2.5-coder-1.5b parts", "qwen2.5-coder-1.5b file"]
    assert not any(check.ok or check.required for check in found.values())
    assert found["qwen2.5-coder-1.5b parts"].detail == "0 of 22 installed"
    assert {check.fix for check in found.values()} == {
        "run: codescale models setup --model qwen2.5-coder-1.5b"}
    part = tmp_path / "part01.bin"
    part.write_bytes(b"GGUF tiny")
    tiny = CODER_1_5B.model_copy(update={"size": 9, "sha256": hashlib.sha256(b"GGUF tiny")
                                         .hexdigest()})
    model_file.assemble([part], model_file.model_path(tiny), tiny)
    verified = model_file_check(tiny, rehash=True)
    assert verified.ok and not verified.required and "9 bytes" in verified.detail


def test_the_requantized_model_is_one_optional_file_check(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    found = [check for check in checks() if check.name.startswith("qwen2.5-coder-0.5b-iq4nl")]
    assert [(check.name, check.ok, check.required) for check in found] == [
        ("qwen2.5-coder-0.5b-iq4nl file", False, False)]
    assert found[0].fix == "run: codescale models setup --model qwen2.5-coder-0.5b-iq4nl"


@pytest.mark.parametrize(("flags", "spec"), [
    ([], EMBEDDED), (["--model", "qwen2.5-coder-1.5b"], CODER_1_5B),
    (["--model", "qwen2.5-coder-0.5b-iq4nl"], CODER_0_5B_IQ4NL)],
    ids=["default", "1.5b", "iq4nl"])
def test_setup_installs_assembles_and_checks_the_chosen_model(
        flags: list[str], spec: EmbeddedSpec, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLAMA_CPP_LIB_PATH", str(tmp_path))  # a named build is never rebuilt
    installed: list[list[str]] = []
    checked: list[Path] = []
    made: list[str] = []

    def install(plan: BuildPlan, requirements: list[str], *, build_llama: bool) -> None:
        assert not build_llama
        installed.append(requirements)

    def check(path: Path, **settings: object) -> LibraryCheck:
        checked.append(path)
        return LibraryCheck(ok=True, detail="decodes")

    def make(chosen: EmbeddedSpec) -> Path:
        made.append(chosen.name)
        return tmp_path / chosen.filename

    monkeypatch.setattr(cli, "install", install)
    monkeypatch.setattr(cli, "embedded_model_path", make)
    monkeypatch.setattr(cli, "check_library", check)
    result = CliRunner().invoke(app, ["setup", *flags])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / spec.filename)
    # the build is judged on a shipped model before a requantized one is made from it
    shipped = spec.source if isinstance(spec, RequantizedSpec) else spec
    assert checked == [tmp_path / shipped.filename]
    assert made == list(dict.fromkeys([shipped.name, spec.name]))
    extra = [] if shipped is EMBEDDED else spec.requirements  # the 0.5B's are in the cpu extra
    assert installed == [cpu_requirements() + extra]


def test_setup_of_an_unknown_model_is_one_line() -> None:
    result = CliRunner().invoke(app, ["setup", "--model", "qwen-7b"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: unknown embedded model 'qwen-7b'; known: qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, "
        "qwen2.5-coder-0.5b-iq4nl"]


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
