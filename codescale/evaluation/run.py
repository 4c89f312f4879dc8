"""An evaluation run: sample and debug once, answer with every strategy on the same pool,
run every candidate's hidden jobs, score them all, and write the results, samples, plots and
HTML report.

The run directory holds the run store, the problems and the settings (`eval.json`), so a
rerun of the same command resumes, and `codescale report RUN_DIR` rebuilds the outputs.
"""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from codescale.api import Session
from codescale.config import Config, run_completion_cache
from codescale.evaluation.artifacts import replace_file, write_artifacts
from codescale.evaluation.errors import EvalError
from codescale.evaluation.progress import ChunkedGenerator, ChunkedSandbox, StageBars
from codescale.evaluation.records import load_records
from codescale.evaluation.scoring import hidden_jobs_runner, score_candidates
from codescale.evaluation.summary import EvalSummary, results, summarize
from codescale.execution.protocol import Sandbox
from codescale.llm.cache import ChargedReplays
from codescale.llm.protocol import Generator
from codescale.manifest import RunManifest, claim
from codescale.models import Problem
from codescale.scaling import pipeline
from codescale.scaling.config import BEFORE_WAVES
from codescale.scaling.costs import totals
from codescale.scaling.registry import strategy_names
from codescale.store import RunStore

SETTINGS = "eval.json"
PROBLEMS = "problems.jsonl"
GENERATION_CHUNK = 32
"""Requests per generator call while progress is shown: large enough for batching backends."""


class EvalSettings(BaseModel):
    """What an evaluation run directory was made with."""

    model_config = ConfigDict(extra="forbid")

    benchmark: str
    config: Config

    @model_validator(mode="before")
    @classmethod
    def _fixed_before_waves(cls, data: Any) -> Any:
        """Settings written before adaptive sampling existed (no `adaptive` table) describe
        fixed-`n` runs, whatever the default is now."""
        config = data.get("config") if isinstance(data, dict) else None
        if not isinstance(config, dict):
            return data
        scaling = config.get("scaling")
        if not isinstance(scaling, dict) or "adaptive" in scaling:
            return data
        return data | {"config": config | {"scaling": scaling | {
            "adaptive": BEFORE_WAVES.model_dump()}}}


def with_every_strategy(config: Config) -> Config:
    """`config` answering with S* and every other strategy on one pool."""
    scaling = config.scaling.model_copy(update={
        "selector": "sstar", "baselines": tuple(s for s in strategy_names() if s != "sstar")})
    return config.model_copy(update={"scaling": scaling})


def prepare(run_dir: Path, benchmark: str, problems: Sequence[Problem], config: Config) -> None:
    """Claim the run directory for these settings (see `codescale.manifest`) and record the
    benchmark, settings and problems; a resumed run may add problems. Idempotent, and cheap:
    callers run it before opening any backend."""
    if not problems:
        raise EvalError(f"{benchmark}: no problems to evaluate")
    claim(run_dir, RunManifest.of(config.llm, config.sandbox, config.scaling, problems))
    if (run_dir / SETTINGS).exists():
        recorded, recorded_problems = load_settings(run_dir)
        if recorded.benchmark != benchmark:
            raise EvalError(f"{run_dir} holds an evaluation of {recorded.benchmark!r}, not "
                            f"{benchmark!r}; use another --run-dir")
        known = {problem.id for problem in recorded_problems}
        added = [problem for problem in problems if problem.id not in known]
        if not added:
            return
        problems = [*recorded_problems, *added]
    else:
        replace_file(run_dir / SETTINGS,
                     EvalSettings(benchmark=benchmark, config=config).model_dump_json(indent=2)
                     .encode())
    replace_file(run_dir / PROBLEMS, "".join(p.model_dump_json() + "\n" for p in problems).encode())


def load_settings(run_dir: Path) -> tuple[EvalSettings, list[Problem]]:
    """The settings and problems an evaluation run directory was made with."""
    try:
        settings = EvalSettings.model_validate_json((run_dir / SETTINGS).read_text("utf-8"))
        lines = (run_dir / PROBLEMS).read_text("utf-8").splitlines()
        return settings, [Problem.model_validate_json(line) for line in lines if line]
    except FileNotFoundError as missing:
        raise EvalError(f"{run_dir}: not an evaluation run directory "
                        f"({Path(missing.filename).name} missing)") from None
    except ValidationError as error:
        raise EvalError(f"{run_dir}: unreadable evaluation settings: "
                        f"{error.errors()[0]['msg']}") from None


def evaluate(benchmark: str, problems: Sequence[Problem], config: Config, generator: Generator,
             sandbox: Sandbox, bars: StageBars | None = None, every_strategy: bool = True
             ) -> EvalSummary:
    """Evaluate every strategy (or, with `every_strategy=False`, the configured selector and
    baselines) on `problems` in `config.run_dir` with an opened generator and sandbox, run
    every candidate's hidden jobs, and write the outputs; a rerun on the same directory
    resumes."""
    config = with_every_strategy(config) if every_strategy else config
    prepare(config.run_dir, benchmark, problems, config)
    if bars is not None:
        chunk = 4 * (config.sandbox.pool_size or os.cpu_count() or 1)
        generator = ChunkedGenerator(generator, bars.advance, GENERATION_CHUNK)
        sandbox = ChunkedSandbox(sandbox, bars.advance, chunk)
    progress = None if bars is None else bars.show
    store = RunStore.open(config.run_dir)
    try:
        pipeline.solve(problems, config.scaling, generator, sandbox, store, progress)
        score_candidates(hidden_jobs_runner(config.scaling, generator, sandbox, store, progress),
                         store, problems)
    finally:
        store.close()
    return write_report(config.run_dir)


def run_eval(benchmark: str, problems: Sequence[Problem], config: Config,
             bars: StageBars | None = None) -> EvalSummary:
    """`evaluate` with the configured sandbox and generator (behind the completion cache)."""
    prepare(config.run_dir, benchmark, problems, with_every_strategy(config))
    with Session(config) as session:
        return evaluate(benchmark, problems, config, charging(config, session.generator),
                        session.sandbox, bars)


def charging(config: Config, generator: Generator) -> Generator:
    """The generator an evaluation charges through: with the run's own completion cache, whose
    hits are this run's work from an interrupted session (never charged), replays are charged
    as generated, so a resumed run costs what an uninterrupted one does."""
    if config.completion_cache == run_completion_cache(config.run_dir):
        return ChargedReplays(generator)
    return generator


def write_report(run_dir: Path) -> EvalSummary:
    """Score a run directory and (re)write its results, samples, plots and HTML report."""
    settings, problems = load_settings(run_dir)
    scaling = settings.config.scaling
    store = RunStore.open(run_dir)
    try:
        records = load_records(store, problems, scaling)
        summed = totals(store.spending())
    finally:
        store.close()
    strategies = [scaling.selector, *scaling.baselines]
    lines = results(records, strategies, summed)
    summary = summarize(records, strategies, lines, summed, scaling.n, scaling.rounds)
    write_artifacts(run_dir, settings.benchmark, records, lines, summary)
    return summary
