"""A fix run's work and spending go through the run store: an interrupted run resumes without
sampling or testing again, a finished one is read back, budget caps stop it, and a run
directory made for other settings is refused."""

from pathlib import Path

import pytest

from codescale.config import Config
from codescale.execution.pool import WorkerPool
from codescale.fix.identity import repository_manifest
from codescale.fix.models import FixReport
from codescale.fix.snapshot import Snapshot
from codescale.llm.protocol import GenerationRequest
from codescale.manifest import RunMismatch
from tests.fix.conftest import REPOS, fix_config, run_fix
from tests.fix.test_bot import BREAKS_OTHERS, RIGHT, fenced
from tests.scaling.doubles import ScriptedGenerator

REPO = REPOS / "missing_edge_case"


class Interrupted(Exception):
    """Stands for the process being killed."""


def _config(**scaling: object) -> Config:
    return fix_config(n=2, llm_inputs=0, hypothesis_inputs=2, **scaling)


def _fix(config: Config, generator: ScriptedGenerator, sandbox: WorkerPool, run_dir: Path
         ) -> FixReport:
    return run_fix(REPO, generator, sandbox, run_dir, config)


def _interrupt(request: GenerationRequest) -> list[str]:
    raise Interrupted()


def test_an_interrupted_run_resumes_without_sampling_or_testing_again(
        local_sandbox: WorkerPool, tmp_path: Path) -> None:
    sample = ScriptedGenerator(sample=lambda request: [fenced(BREAKS_OTHERS)] * 2,
                               revise=_interrupt)
    with pytest.raises(Interrupted):
        _fix(_config(), sample, local_sandbox, tmp_path)

    revise = ScriptedGenerator(revise=lambda request: [fenced(RIGHT)])
    report = _fix(_config(), revise, local_sandbox, tmp_path)
    assert revise.kinds() == [["revise"]]  # the sampled answers were read back
    assert report.status == "fixed" and report.selection is not None
    assert report.selection.chosen.round == 1
    assert report.cost.llm_calls == 2  # the interrupted session's sample batch counts too

    again = _fix(_config(), ScriptedGenerator(), local_sandbox, tmp_path)
    assert again.selection is not None and again.selection.chosen == report.selection.chosen
    assert again.cost.executions == report.cost.executions  # no test run repeated


def test_budget_caps_stop_the_bot_and_say_so(local_sandbox: WorkerPool, tmp_path: Path) -> None:
    generator = ScriptedGenerator(sample=lambda request: [fenced(BREAKS_OTHERS)] * 2)
    report = _fix(_config(budget={"llm_calls": 1}), generator, local_sandbox, tmp_path)
    assert generator.kinds() == [["sample"]]
    assert report.status == "no_fix"
    assert "stopped early: LLM call budget reached (1 of 1)" in report.reason


def test_a_run_directory_of_other_settings_is_refused(local_sandbox: WorkerPool,
                                                      tmp_path: Path) -> None:
    generator = ScriptedGenerator(sample=lambda request: [fenced(RIGHT)] * 2)
    _fix(_config(), generator, local_sandbox, tmp_path)
    other = _config().model_copy(update={"fix": _config().fix.model_copy(
        update={"test_command": "pytest -q -x"})})
    with pytest.raises(RunMismatch, match="fix.test_command"):
        _fix(other, generator, local_sandbox, tmp_path)


def test_the_bot_draws_under_the_fixed_policy_with_two_debug_rounds_by_default() -> None:
    # the bot draws all n candidates at once, whatever the solver's default policy
    settings = repository_manifest(Config(), Snapshot.read(REPOS / "off_by_one")).settings
    assert settings["scaling.rounds"] == 2
    assert not any(key.startswith("scaling.adaptive") for key in settings)
    given = Config.model_validate({"scaling": {"rounds": 1}})
    assert repository_manifest(given, Snapshot.read(REPOS / "off_by_one")).settings[
        "scaling.rounds"] == 1
