"""RunStore: records round-trip, and a run killed mid-way resumes from what it wrote."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codescale.models import (
    Answer,
    Candidate,
    Comparison,
    Cost,
    Evidence,
    Execution,
    Stage,
    Status,
    Step,
    TestCase,
)
from codescale.scaling.pipeline import solve
from codescale.store import FILENAME, RunStore, Spending, StoreError
from tests.scaling.crash_run import CONFIG, PROBLEMS
from tests.scaling.scenario import scripted

REPO = Path(__file__).resolve().parents[1]


def test_records_round_trip(tmp_path: Path) -> None:
    store = RunStore.open(tmp_path / "run")
    one = Candidate(id="c1", problem_id="p", code="print(1)", completion_tokens=3)
    two = Candidate(id="c2", problem_id="p", code="print(2)", parent_id="c1", round=1)
    store.put_candidates([(one, 1), (two, 1)], ("sample:p", ["c1", "c2"]))
    store.put_candidates([(one, 4)])  # more copies found later
    assert store.candidates("p") == [(one, 4), (two, 1)]
    assert store.candidates("other") == []

    public, synthesized = TestCase(input="1\n", expected="1\n"), TestCase(input="1\n")
    ran = Execution(candidate_id="c1", input="1\n", status=Status.PASSED, stdout="1\n")
    store.put_executions([public], [ran])
    assert store.executions("c1", [public, synthesized]) == [ran, None]

    comparison = Comparison(problem_id="p", candidate_a="c1", candidate_b="c2", input="0\n",
                            output_a="1", output_b="2", winner="b", decided_by="llm")
    store.put_comparison(comparison)
    assert store.comparison("p", "c1", "c2") == comparison
    assert store.comparison("p", "c2", "c1") is None

    answer = Answer(problem_id="p", strategy="sstar", candidate_id="c2", code="print(2)",
                    confidence=0.5, evidence=Evidence(public_passed=1, public_total=1),
                    cost=Cost(llm_calls=2))
    store.put_answer(answer)
    store.mark_step("synth:p", [{"input": "0\n"}])
    spent = [Spending(problem_id="p", step=Step(stage=Stage.SAMPLE), cost=Cost(llm_calls=1)),
             Spending(problem_id="", step=Step(stage=Stage.DEBUG, round=2),
                      cost=Cost(wall_time_s=0.5))]
    store.put_spending(spent)
    store.close()

    reopened = RunStore.open(tmp_path / "run")
    assert reopened.answers("p") == [answer] and reopened.answers() == [answer]
    assert reopened.step("sample:p") == ["c1", "c2"] and reopened.step("sample:q") is None
    assert reopened.step("synth:p") == [{"input": "0\n"}]
    assert reopened.spending() == spent


def test_a_store_written_before_rounds_had_a_column_reads_them(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / FILENAME) as old:
        old.execute("CREATE TABLE spending (problem_id TEXT NOT NULL, stage TEXT NOT NULL, "
                    "body TEXT NOT NULL)")
        old.executemany("INSERT INTO spending VALUES (?, ?, ?)",
                        [("p", "debug round 2", Cost(llm_calls=3).model_dump_json()),
                         ("p", "sample", Cost(llm_calls=1).model_dump_json())])
    steps = [(s.step, s.cost.llm_calls) for s in RunStore.open(tmp_path).spending()]
    assert steps == [(Step(stage=Stage.DEBUG, round=2), 3), (Step(stage=Stage.SAMPLE), 1)]


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "run.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a usable run store"):
        RunStore(path)


@pytest.mark.timeout(120)
def test_a_killed_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    run_dir, marker = tmp_path / "run", tmp_path / "adjudicating"
    child = subprocess.Popen([sys.executable, "-m", "tests.scaling.crash_run", str(run_dir),
                              str(marker)], cwd=REPO)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, "the run ended before reaching adjudication"
        assert time.monotonic() < deadline, "the run never reached adjudication"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    # the rerun has no sampling, revision or synthesis replies: asking for any would fail
    generator, sandbox = scripted()
    for stage in ("sample", "revise", "synthesize"):
        del generator.replies[stage]
    answers = solve(PROBLEMS, CONFIG, generator, sandbox, RunStore.open(run_dir))

    assert sandbox.jobs == []  # every execution was recorded before the kill
    assert {k for kinds in generator.kinds() for k in kinds} == {"adjudicate"}
    assert all(a.code and '"right"' in a.code for a in answers)
