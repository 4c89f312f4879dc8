"""Run directories know what they are: a manifest of decisive settings and problem hashes,
checked on every resume."""

import json
from pathlib import Path

import pytest

from codescale.cli_support import load_config, scaling_flags
from codescale.config import Config, ConfigError
from codescale.execution.config import sandbox_config
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.backends.openai import OpenAIConfig
from codescale.manifest import FILENAME, RunManifest, RunMismatch, claim, decisive_settings
from codescale.models import Problem, TestCase
from codescale.scaling.config import ScalingConfig
from tests.scaling.scenario import fixed

PROBLEM = Problem(id="double", io="stdin", statement="Print twice the integer read.",
                  public_tests=(TestCase(input="2", expected="4"),))
OTHER = Problem(id="triple", io="stdin", statement="Print three times the integer read.",
                public_tests=(TestCase(input="2", expected="6"),))


def manifest(problems: tuple[Problem, ...] = (PROBLEM,), **scaling: object) -> RunManifest:
    return RunManifest.of(LlamaCppConfig(), sandbox_config(), ScalingConfig.model_validate(scaling),
                          problems)


def test_a_new_directory_records_the_manifest(tmp_path: Path) -> None:
    claim(tmp_path / "run", manifest(n=4))
    stored = json.loads((tmp_path / "run" / FILENAME).read_text())
    assert stored["settings"]["scaling.n"] == 4
    assert stored["settings"]["llm.backend"] == "llamacpp"
    assert len(stored["settings"]["llm.weights_sha256"]) == 64
    assert stored["settings"]["sandbox.container_memory_mb"] == 1536
    assert set(stored["problems"]) == {"double"}


def test_same_settings_resume(tmp_path: Path) -> None:
    claim(tmp_path, manifest(n=4))
    before = (tmp_path / FILENAME).read_text()
    claim(tmp_path, manifest(n=4, baselines=["majority"]))  # strategies may differ
    assert (tmp_path / FILENAME).read_text() == before


@pytest.mark.parametrize(("change", "named"), [
    ({"n": 2}, "scaling.n=16; this run has scaling.n=2"),
    ({"temperature": 0.2}, "scaling.temperature=0.7; this run has scaling.temperature=0.2"),
    ({"budget": {"tokens": 10}},
     "scaling.budget.tokens=None; this run has scaling.budget.tokens=10"),
])
def test_a_changed_setting_is_refused_naming_both_values(tmp_path: Path, change: dict[str, object],
                                                         named: str) -> None:
    claim(tmp_path, manifest())
    with pytest.raises(RunMismatch, match="another --run-dir") as refused:
        claim(tmp_path, manifest(**change))
    assert named in str(refused.value) and "\n" not in str(refused.value)


def test_another_generator_is_refused(tmp_path: Path) -> None:
    claim(tmp_path, manifest())
    other = RunManifest.of(OpenAIConfig(model="qwen"), sandbox_config(),
                           ScalingConfig(), (PROBLEM,))
    with pytest.raises(RunMismatch, match="llm.backend='llamacpp'; this run has "
                                          "llm.backend='openai'"):
        claim(tmp_path, other)


def test_other_sandbox_limits_are_refused_and_pool_size_is_not(tmp_path: Path) -> None:
    claim(tmp_path, manifest())
    same = RunManifest.of(LlamaCppConfig(), sandbox_config(pool_size=7, backend="docker"),
                          ScalingConfig(), (PROBLEM,))
    claim(tmp_path, same)
    tighter = RunManifest.of(LlamaCppConfig(), sandbox_config(container_memory_mb=512),
                             ScalingConfig(), (PROBLEM,))
    with pytest.raises(RunMismatch, match="sandbox.container_memory_mb=1536"):
        claim(tmp_path, tighter)


def test_new_problems_join_and_changed_ones_are_refused(tmp_path: Path) -> None:
    claim(tmp_path, manifest((PROBLEM,)))
    claim(tmp_path, manifest((OTHER,)))
    stored = json.loads((tmp_path / FILENAME).read_text())
    assert set(stored["problems"]) == {"double", "triple"}
    edited = PROBLEM.model_copy(update={"public_tests": (TestCase(input="3", expected="6"),)})
    with pytest.raises(RunMismatch, match="problem 'double'"):
        claim(tmp_path, manifest((edited,)))


def test_a_store_without_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "run.sqlite").write_bytes(b"")
    with pytest.raises(RunMismatch, match="without a manifest"):
        claim(tmp_path, manifest())


def test_a_custom_gguf_is_identified_by_its_content(tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF one")
    llm = LlamaCppConfig(gguf_path=weights)
    claim(tmp_path / "run", RunManifest.of(llm, sandbox_config(), ScalingConfig(), (PROBLEM,)))
    weights.write_bytes(b"GGUF two")
    with pytest.raises(RunMismatch, match="llm.weights_sha256"):
        claim(tmp_path / "run", RunManifest.of(llm, sandbox_config(), ScalingConfig(), (PROBLEM,)))


def test_default_run_dir_follows_the_settings() -> None:
    assert Config().run_dir == Config().run_dir
    assert Config().run_dir.parent == Path("runs")
    assert Config().run_dir != Config(scaling=ScalingConfig(n=2)).run_dir
    assert Config(scaling=ScalingConfig(baselines=("majority",))).run_dir == Config().run_dir
    assert Config(run_dir=Path("mine")).run_dir == Path("mine")


def test_flags_and_files_derive_the_run_dir_from_the_final_settings(tmp_path: Path) -> None:
    flagged = load_config(None, {"scaling": {"n": 2}})
    assert flagged.run_dir == Config(scaling=ScalingConfig(n=2)).run_dir
    toml = tmp_path / "c.toml"
    toml.write_text('run_dir = "chosen"\n[scaling]\nn = 3\n')
    assert load_config(toml, {"scaling": {"n": 5}}).run_dir == Path("chosen")


def test_settings_added_later_stay_out_of_the_manifest_at_the_values_earlier_runs_had() -> None:
    # `--fixed` records what every run made before adaptive sampling existed recorded (the
    # paper's 2 debug rounds, no adaptive or revise keys), so those runs still resume
    plain = decisive_settings(LlamaCppConfig(), sandbox_config(), fixed())
    assert not any(key.startswith(("scaling.adaptive", "scaling.revise")) for key in plain)
    assert plain["scaling.rounds"] == 2
    waves = decisive_settings(LlamaCppConfig(), sandbox_config(), ScalingConfig(revise="unsolved"))
    assert waves["scaling.adaptive.enabled"] is True and waves["scaling.revise"] == "unsolved"
    assert waves["scaling.rounds"] == 0  # the adaptive default: fresh samples, no revisions
    assert Config().run_dir != Config(scaling=fixed()).run_dir
    assert "llm.embedded" not in plain
    larger = LlamaCppConfig(embedded="qwen2.5-coder-1.5b")
    assert decisive_settings(larger, sandbox_config(), ScalingConfig())["llm.embedded"] == \
        "qwen2.5-coder-1.5b"
    assert Config(llm=larger).run_dir != Config().run_dir


def test_scaling_flags_override_nested_tables_of_the_file(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text("[scaling.adaptive]\nwave = 2\n[scaling.budget]\nllm_calls = 9\n")
    config = load_config(toml, {"scaling": scaling_flags(None, None, None, None, True, 5000,
                                                         "unsolved")})
    scaling = config.scaling
    assert scaling.adaptive.enabled and scaling.adaptive.wave == 2
    assert scaling.budget.tokens == 5000 and scaling.budget.llm_calls == 9
    assert scaling.revise == "unsolved"
    with pytest.raises(ConfigError, match="scaling.revise"):
        load_config(None, {"scaling": scaling_flags(None, None, None, None, None, None, "all")})


@pytest.mark.parametrize(("table", "flags", "rounds"), [
    ("[scaling]\nn = 8\n", {"adaptive": {"enabled": False}}, 2),
    ("[scaling]\nn = 8\n", {}, 0),
    ("[scaling.adaptive]\nenabled = false\n", {}, 2),
    ("[scaling.adaptive]\nenabled = false\n", {"adaptive": {"enabled": True}}, 0),
    ("[scaling]\nrounds = 1\n", {"adaptive": {"enabled": False}}, 1),
    ("", {"rounds": 3}, 3)])
def test_debug_rounds_follow_the_final_policy_unless_given(
        tmp_path: Path, table: str, flags: dict[str, object], rounds: int) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text(table)
    assert load_config(toml, {"scaling": flags}).scaling.rounds == rounds


def test_an_adaptive_run_made_with_waves_of_one_size_is_refused(tmp_path: Path) -> None:
    # such a run's steps hold waves of `wave` samples each; read as doubling waves, its
    # problems would stop short while its records claimed the samples were asked for
    manifest = RunManifest.of(LlamaCppConfig(), sandbox_config(), ScalingConfig(), (PROBLEM,))
    assert manifest.settings["scaling.adaptive.waves"] == "doubling"
    older = manifest.settings.copy()
    del older["scaling.adaptive.waves"]
    claim(tmp_path, manifest.model_copy(update={"settings": older}))
    with pytest.raises(RunMismatch, match=r"scaling.adaptive.waves=None; this run has "
                                          r"scaling.adaptive.waves='doubling'"):
        claim(tmp_path, manifest)
