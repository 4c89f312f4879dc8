"""The scorer registry: a scorer module registers itself for a problem source."""

import subprocess
import sys
from collections.abc import Sequence

import pytest

from codescale.models import Execution, Problem, TestCase
from codescale.scoring import scorer
from codescale.scoring.plain import HiddenTests
from codescale.scoring.scorer import register
from codescale.scoring.sources import scorer_for

PROBLEM = Problem(id="p", statement="s", io="stdin", hidden_tests=(TestCase(input="1\n"),),
                  source="made-up")


class Lenient(HiddenTests):
    """A scorer for a made-up source: any run counts as a pass."""

    def passes(self, problem: Problem, runs: Sequence[Sequence[Execution]]) -> bool:
        return True


def test_a_registered_scorer_judges_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(scorer_for(PROBLEM)) is HiddenTests  # unregistered: the default
    monkeypatch.setattr(scorer, "_REGISTERED", dict(scorer._REGISTERED))  # after discovery
    lenient = register("made-up", Lenient())
    assert scorer_for(PROBLEM) is lenient
    with pytest.raises(ValueError, match="'made-up' is already registered"):
        register("made-up", Lenient())


def test_scorer_modules_are_found_without_being_imported() -> None:
    program = ("from codescale.models import Problem\n"
               "from codescale.scoring.sources import scorer_for\n"
               "problem = Problem(id='p', statement='s', io='stdin', source='livecodebench')\n"
               "print(type(scorer_for(problem)).__name__)\n")
    found = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "OfficialComparison"
