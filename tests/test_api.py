"""The public API: what `codescale` exports, a `Session` that opens the model once (and only
when generation is needed) for many calls, and the one exception root."""

from pathlib import Path

import pytest

import codescale
from codescale.config import ConfigError
from codescale.execution.errors import SandboxUnavailable
from codescale.llm.backends.llamacpp import LlamaCppConfig
from codescale.llm.protocol import Generator
from codescale.manifest import RunMismatch
from codescale.problems import ProblemLoadError
from tests.scaling.doubles import ScriptedGenerator
from tests.scaling.scenario import absolute_problem, fixed, scripted


def test_the_package_exports_what_a_user_imports() -> None:
    assert set(codescale.__all__) >= {"Problem", "Answer", "Config", "load_problems", "solve",
                                      "Session", "CodescaleError"}
    [median] = codescale.load_problems(["problems/median.yaml"])
    assert isinstance(median, codescale.Problem) and median.id == "median"


def test_a_session_opens_the_model_once_and_only_when_it_must_generate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator, sandbox = scripted()
    opened: list[ScriptedGenerator] = []

    def open_scripted(self: LlamaCppConfig) -> Generator:
        opened.append(generator)
        return generator

    monkeypatch.setattr(LlamaCppConfig, "open", open_scripted)
    config = codescale.Config(scaling=fixed(n=16, rounds=1), run_dir=tmp_path,
                              completion_cache=None)
    first, second = absolute_problem("a"), absolute_problem("b")
    with codescale.Session(config, sandbox=sandbox) as session:
        assert opened == []  # nothing opened before it is needed
        session.solve_all([first])
        answer = session.solve(second)
    assert len(opened) == 1 and answer.problem_id == "b" and not answer.abstained

    with codescale.Session(config, sandbox=sandbox) as session:
        again = session.solve_all([first, second])  # all recorded: no model is loaded
    assert len(opened) == 1 and again[1].candidate_id == answer.candidate_id


@pytest.mark.parametrize("error", [ConfigError("x"), ProblemLoadError(["x"]),
                                   SandboxUnavailable("x"), RunMismatch("x")])
def test_every_error_of_bad_input_derives_from_one_root(error: Exception) -> None:
    assert isinstance(error, codescale.CodescaleError)
