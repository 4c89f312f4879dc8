"""`codescale fix` end to end on real PyPI projects (hundreds of tests each) with one seeded
bug: the CLI in a subprocess, the real sandbox, and a scripted OpenAI-compatible server as the
model, proposing one right patch among wrong ones (or only wrong ones). Every run ends with a
verified fix or a clear "no verified fix"; a repository needing a module the sandbox lacks
gets one line naming it."""

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from codescale.fix.prompts import SYSTEM
from tests.fix.conftest import REPOS
from tests.fix.real_repos import Project, diff_answer, function_answer, seeded_copy
from tests.llm.scripted_server import Reply, chat_reply, scripted_server

pytestmark = pytest.mark.real_repos

INFLECTION = Project(
    "inflection", "0.5.1", "inflection-0.5.1.tar.gz",
    "1a29730d366e996aaacffb2f1f1cb9593dc38e2ddd30c91250c6dde09ea9b417", "pytest -q",
    "inflection/__init__.py", "    return word.replace('_', '-')\n",
    "    return word.replace('_', '-', 1)\n",
    ("test_inflection.py::test_dasherize[person_street_address-person-street-address]",))
MORE_ITERTOOLS = Project(
    "more-itertools", "10.5.0", "more-itertools-10.5.0.tar.gz",
    "5482bfef7849c25dc3c6dd53a6173ae4795da2a41a80faea6700d9f5846c5da6", "pytest -q tests",
    "more_itertools/more.py", "    return sum(compress(repeat(1), zip(iterable)))\n",
    "    return sum(compress(repeat(1), zip(iterable))) - 1\n",
    ("tests/test_more.py::IlenTests::test_ilen", "tests/test_more.py::RunLengthTest::test_encode",
     "tests/test_recipes.py::SieveTests::test_prime_counts"))
SEMVER = Project(
    "semver", "3.0.2", "semver-3.0.2.tar.gz",
    "6253adb39c70f6e51afed2fa7152bcd414c411286088fb4b9effb133885ab4cc",
    "pytest -q -o addopts='' tests", "src/semver/version.py",
    "        return cls(self._major, self._minor, self._patch + 1)\n",
    "        return cls(self._major, self._minor, self._patch)\n",
    ("tests/test_bump.py::test_should_bump_patch",
     "tests/test_bump.py::test_should_ignore_extensions_for_bump"))


class Case(NamedTuple):
    """A project, a wrong fix of its bug (the line that replaces it), and, when the right
    fix is answered as a whole function instead of a diff, that function."""

    project: Project
    wrong: str
    right_function: str | None = None


CASES = [
    Case(INFLECTION, "    return word.replace('_', ' ')\n"),  # breaks tests that passed
    Case(MORE_ITERTOOLS, "    return sum(compress(repeat(1), zip(iterable))) + 1\n",
         "def ilen(iterable):\n    return sum(compress(repeat(1), zip(iterable)))\n"),
    Case(SEMVER, "        return cls(self._major, self._minor, self._patch + 2)\n"),
]


def model(sampled: list[str], revised: str) -> Callable[[dict[str, Any], int], Reply]:
    """The scripted model: the sampling prompt gets `sampled` in turn, any other prompt
    (revisions) gets `revised`."""
    def answer(body: dict[str, Any], _call: int) -> Reply:
        messages, n = body["messages"], body.get("n", 1)
        first = messages[0]["content"] == SYSTEM and len(messages) == 2
        return chat_reply([sampled[i % len(sampled)] if first else revised for i in range(n)])
    return answer


def wrong_answers(case: Case, root: Path) -> list[str]:
    """Two wrong patches: one that changes nothing that matters, and the case's wrong fix."""
    bug = case.project.bug
    return [diff_answer(root, case.project.path, bug, bug.replace("\n", "  # fixed?\n")),
            diff_answer(root, case.project.path, bug, case.wrong)]


def right_answer(case: Case, root: Path) -> str:
    """The patch that restores the original code."""
    if case.right_function is not None:
        return function_answer(case.right_function)
    return diff_answer(root, case.project.path, case.project.bug, case.project.original)


def codescale_fix(repo: Path, command: str, url: str, sandbox: str,
                  cwd: Path) -> subprocess.CompletedProcess[str]:
    """`codescale fix` as CI runs it, with the scripted model behind `url`; its run folder
    and completion cache are the test's own, so no answer of another test is replayed."""
    return subprocess.run(
        ["codescale", "fix", str(repo), "--test-cmd", command, "--backend", "openai",
         "--base-url", url, "--model", "scripted", "--sandbox", sandbox, "--n", "4",
         "--rounds", "1", "--timeout", "120", "--output", str(cwd / "fix.diff")],
        capture_output=True, text=True, timeout=600, cwd=cwd, check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(cwd / "cache")})


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.project.name)
def test_the_bot_fixes_a_seeded_bug_in_a_real_project(case: Case, tmp_path: Path) -> None:
    project = case.project
    root = seeded_copy(project, tmp_path / "repo")
    wrong = wrong_answers(case, root)
    with scripted_server(model([wrong[0], right_answer(case, root), *wrong], wrong[0])) as (
            url, script):
        done = codescale_fix(root, project.test_command, url, "local", tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("## codescale fix: verified fix found"), done.stdout[:2000]
    for test in project.failing:
        assert f"`{test}`" in done.stdout
    patch = (tmp_path / "fix.diff").read_text()
    assert f"-{project.bug}" in patch and f"+{project.original}" in patch
    assert script.received, "the model was asked"
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True, check=True).stdout == ""  # the bot never writes the repo


@pytest.mark.docker
def test_only_wrong_patches_end_in_no_verified_fix(tmp_path: Path) -> None:
    root = seeded_copy(INFLECTION, tmp_path / "repo")
    wrong = wrong_answers(CASES[0], root)
    with scripted_server(model(wrong, wrong[0])) as (url, _script):
        done = codescale_fix(root, INFLECTION.test_command, url, "docker", tmp_path)
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stdout.startswith("## codescale fix: no verified fix found"), done.stdout[:2000]
    assert f"`{INFLECTION.failing[0]}`" in done.stdout
    assert not (tmp_path / "fix.diff").exists()


def test_tests_needing_a_module_the_sandbox_lacks_are_one_clear_error(tmp_path: Path) -> None:
    with scripted_server(model(["no answer"], "no answer")) as (url, script):
        done = codescale_fix(REPOS / "needs_numpy", "pytest -q", url, "local", tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: the tests import numpy, which the sandbox does not have (it holds the standard "
        "library and pytest only): test_stats.py::test_stats: ModuleNotFoundError: No module "
        "named 'numpy'"]
    assert script.received == []  # found before any model call
