"""RunStore: every candidate, execution, comparison and answer of a run, in one SQLite file.

Records are written as they arrive (one commit per write), so a run killed at any point
keeps what it finished; the pipeline looks records up before redoing work, so rerunning
on the same run directory resumes. Models are stored as JSON next to their key columns.
Spending is appended as it is charged, so the cost of a run adds up over resumed parts.
"""

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codescale.errors import CodescaleError
from codescale.models import (
    Answer,
    Candidate,
    Comparison,
    Cost,
    Execution,
    Frozen,
    Stage,
    Step,
    TestCase,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS candidates (
    id TEXT PRIMARY KEY, problem_id TEXT NOT NULL, round INTEGER NOT NULL,
    copies INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS candidates_problem ON candidates (problem_id);
CREATE TABLE IF NOT EXISTS executions (
    candidate_id TEXT NOT NULL, test_key TEXT NOT NULL, status TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (candidate_id, test_key));
CREATE TABLE IF NOT EXISTS comparisons (
    problem_id TEXT NOT NULL, candidate_a TEXT NOT NULL, candidate_b TEXT NOT NULL,
    decided_by TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (problem_id, candidate_a, candidate_b));
CREATE TABLE IF NOT EXISTS answers (
    problem_id TEXT NOT NULL, strategy TEXT NOT NULL, candidate_id TEXT,
    body TEXT NOT NULL, PRIMARY KEY (problem_id, strategy));
CREATE TABLE IF NOT EXISTS steps (key TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spending (
    problem_id TEXT NOT NULL, stage TEXT NOT NULL, body TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 0);
"""
_ROUNDS_APART = """
ALTER TABLE spending ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
UPDATE spending SET round = CAST(substr(stage, 13) AS INTEGER), stage = 'debug round'
    WHERE stage LIKE 'debug round %';
"""
"""Stores written before debug rounds had a column kept them in the stage name."""
FILENAME = "run.sqlite"


class Spending(Frozen):
    """Cost charged to one problem by one stage; `problem_id` "" is run-wide (wall time)."""

    problem_id: str
    step: Step
    cost: Cost


class StoreError(CodescaleError):
    """The run store cannot be opened or read."""


def _test_key(test: TestCase) -> str:
    """Executions are keyed by input and expected output (the verdict depends on both)."""
    raw = json.dumps([test.input, test.expected])
    return hashlib.sha256(raw.encode()).hexdigest()


class RunStore:
    """The SQLite record of one run directory."""

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(spending)")}
            if "round" not in columns:
                self._db.executescript(_ROUNDS_APART)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: not a usable run store: {error}") from None

    @classmethod
    def open(cls, run_dir: Path) -> "RunStore":
        """The store of `run_dir`, created with the directory when missing."""
        try:
            run_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{run_dir}: cannot create run directory: {error}") from None
        return cls(run_dir / FILENAME)

    def close(self) -> None:
        """Close the database; every write is already committed."""
        self._db.close()

    def _write(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        with self._db:
            self._db.executemany(sql, rows)

    def put_candidates(self, candidates: Sequence[tuple[Candidate, int]],
                       step: tuple[str, list[Any]] | None = None) -> None:
        """Record candidates with how many samples produced each program (upsert), and
        optionally the step that produced them, in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT INTO candidates VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET copies = excluded.copies",
                [(c.id, c.problem_id, c.round, copies, c.model_dump_json())
                 for c, copies in candidates])
            if step is not None:
                self._db.execute("INSERT OR REPLACE INTO steps VALUES (?, ?)",
                                 (step[0], json.dumps(step[1])))

    def candidates(self, problem_id: str) -> list[tuple[Candidate, int]]:
        """A problem's candidates with their copy counts, in the order first recorded."""
        rows = self._db.execute("SELECT body, copies FROM candidates WHERE problem_id = ? "
                                "ORDER BY rowid", (problem_id,))
        return [(Candidate.model_validate_json(body), copies) for body, copies in rows]

    def put_executions(self, tests: Sequence[TestCase], executions: Sequence[Execution]) -> None:
        """Record executions, each paired with the test it ran."""
        self._write("INSERT OR REPLACE INTO executions VALUES (?, ?, ?, ?)",
                    [(execution.candidate_id, _test_key(test), execution.status.value,
                      execution.model_dump_json())
                     for test, execution in zip(tests, executions, strict=True)])

    def executions(self, candidate_id: str,
                   tests: Sequence[TestCase]) -> list[Execution | None]:
        """The recorded execution of `candidate_id` on each test, None where not run yet."""
        rows = dict(self._db.execute("SELECT test_key, body FROM executions "
                                     "WHERE candidate_id = ?", (candidate_id,)).fetchall())
        found = (rows.get(_test_key(test)) for test in tests)
        return [Execution.model_validate_json(body) if body else None for body in found]

    def put_comparison(self, comparison: Comparison) -> None:
        """Record an adjudicated pair of candidates."""
        self._write("INSERT OR REPLACE INTO comparisons VALUES (?, ?, ?, ?, ?)",
                    [(comparison.problem_id, comparison.candidate_a, comparison.candidate_b,
                      comparison.decided_by, comparison.model_dump_json())])

    def comparison(self, problem_id: str, candidate_a: str,
                   candidate_b: str) -> Comparison | None:
        """The recorded comparison of this ordered pair, if any."""
        row = self._db.execute("SELECT body FROM comparisons WHERE problem_id = ? AND "
                               "candidate_a = ? AND candidate_b = ?",
                               (problem_id, candidate_a, candidate_b)).fetchone()
        return Comparison.model_validate_json(row[0]) if row else None

    def comparisons(self, problem_id: str) -> list[Comparison]:
        """Every comparison recorded for a problem."""
        rows = self._db.execute("SELECT body FROM comparisons WHERE problem_id = ? "
                                "ORDER BY rowid", (problem_id,))
        return [Comparison.model_validate_json(body) for (body,) in rows]

    def put_answer(self, answer: Answer) -> None:
        """Record (or replace) a strategy's answer for a problem."""
        self._write("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                    [(answer.problem_id, answer.strategy, answer.candidate_id,
                      answer.model_dump_json())])

    def answers(self, problem_id: str | None = None) -> list[Answer]:
        """Recorded answers, of one problem or all, in the order first recorded."""
        if problem_id is None:
            rows = self._db.execute("SELECT body FROM answers ORDER BY rowid")
        else:
            rows = self._db.execute("SELECT body FROM answers WHERE problem_id = ? "
                                    "ORDER BY rowid", (problem_id,))
        return [Answer.model_validate_json(body) for (body,) in rows]

    def mark_step(self, key: str, payload: list[Any] | dict[str, Any] | str) -> None:
        """Record that a unit of work finished, with its JSON-serialisable result."""
        self._write("INSERT OR REPLACE INTO steps VALUES (?, ?)", [(key, json.dumps(payload))])

    def step(self, key: str) -> Any | None:
        """The result of a finished unit of work, or None when it has not finished."""
        row = self._db.execute("SELECT body FROM steps WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_spending(self, spending: Sequence[Spending]) -> None:
        """Append charged costs (one transaction)."""
        self._write("INSERT INTO spending (problem_id, stage, round, body) VALUES (?, ?, ?, ?)",
                    [(s.problem_id, s.step.stage.value, s.step.round, s.cost.model_dump_json())
                     for s in spending])

    def spending(self) -> list[Spending]:
        """Every cost charged in this run directory, by any session, in charge order."""
        rows = self._db.execute("SELECT problem_id, stage, round, body FROM spending "
                                "ORDER BY rowid")
        return [Spending(problem_id=problem_id, step=Step(stage=Stage(stage), round=round_),
                         cost=Cost.model_validate_json(body))
                for problem_id, stage, round_, body in rows]
