"""The self-contained HTML report: tables, plots as base64 images, per-problem drill-down."""

import base64
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from codescale.evaluation.records import CandidateRecord, ProblemRecord
from codescale.evaluation.summary import EvalSummary, StrategyResult, StrategyScore
from codescale.models import Comparison, Cost

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 1200px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .pass { color: #070; } .fail { color: #b00; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; max-height: 30em; }
details { margin: 0.3em 0; } summary { cursor: pointer; }
img { max-width: 100%; }
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table; cells are already escaped HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _verdict(passed: bool | None) -> str:
    return {True: '<span class="pass">pass</span>', False: '<span class="fail">fail</span>',
            None: "-"}[passed]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def cost_cells(cost: Cost) -> list[str]:
    """Prompt tokens, completion tokens, LLM calls, executions, wall seconds."""
    return [str(cost.prompt_tokens), str(cost.completion_tokens), str(cost.llm_calls),
            str(cost.executions), f"{cost.wall_time_s:.1f}"]


COST_HEADERS = ("prompt tokens", "completion tokens", "LLM calls", "executions", "wall s")
SCORE_HEADERS = ("strategy", "solved", "pass@1", "solved (trusted)", "efficiency",
                 "public-test false positives", *COST_HEADERS)


def score_cells(score: StrategyScore, trusted: int) -> list[str]:
    """A strategy's row under `SCORE_HEADERS`."""
    return [score.strategy, f"{score.solved}/{score.scored}", _percent(score.accuracy),
            f"{score.solved_trusted}/{trusted}", _percent(score.efficiency),
            f"{score.false_positives}/{score.public_passing}", *cost_cells(score.cost.cost)]


def _overview(summary: EvalSummary) -> str:
    trusted = summary.scored - len(summary.untrusted)
    strategies = _table(SCORE_HEADERS, ([escape(cell) for cell in score_cells(s, trusted)]
                                        for s in summary.strategies))
    pass_at = _table(("k", "pass@k of raw samples"),
                     ([str(p.k), _percent(p.value)] for p in summary.pass_at_k))
    stages = _table(("stage", *COST_HEADERS),
                    ([escape(s.stage), *cost_cells(s.cost)] for s in summary.stages))
    return (f"<h2>Strategies</h2><p>oracle (pass@n, the best any selector could do): "
            f"{_percent(summary.oracle)}; efficiency = pass@1 / oracle; public-test false "
            "positives: answers failing the hidden tests among those passing the public tests; "
            "untrusted problems "
            f"(the reference solution fails their tests): "
            f"{escape(', '.join(summary.untrusted)) or 'none'}.</p>{strategies}"
            f"<h2>pass@k</h2>{pass_at}<h2>Cost per stage</h2>{stages}")


def _images(images: Mapping[str, bytes]) -> str:
    return "<h2>Plots</h2>" + "".join(
        f'<figure><img alt="{escape(name)}" src="data:image/png;base64,'
        f'{base64.b64encode(data).decode("ascii")}"><figcaption>{escape(name)}</figcaption>'
        "</figure>" for name, data in images.items())


def _candidate(record: CandidateRecord) -> str:
    c = record.candidate
    public = "not run" if record.public is None else \
        ", ".join(run.status.value for run in record.public) or "no public tests"
    hidden = ", ".join(run.status.value for run in record.hidden) or "not run"
    title = (f"{escape(c.id)} &middot; round {c.round} &middot; {record.copies} "
             f"cop{'y' if record.copies == 1 else 'ies'} &middot; public: {escape(public)} "
             f"&middot; hidden: {_verdict(record.hidden_passed)}")
    parent = f"<p>revised from {escape(c.parent_id)}</p>" if c.parent_id else ""
    return (f"<details><summary>{title}</summary>{parent}<p>hidden runs: {escape(hidden)}</p>"
            f"<pre>{escape(c.code)}</pre></details>")


def _comparisons(comparisons: Sequence[Comparison]) -> str:
    if not comparisons:
        return ""
    return "<h4>Comparisons</h4>" + _table(
        ("a", "b", "input", "output a", "output b", "winner", "decided by"),
        ([escape(c.candidate_a), escape(c.candidate_b), f"<pre>{escape(c.input)}</pre>",
          f"<pre>{escape(c.output_a)}</pre>", f"<pre>{escape(c.output_b)}</pre>",
          escape(c.winner), escape(c.decided_by)] for c in comparisons))


def _problem(record: ProblemRecord, lines: Sequence[StrategyResult]) -> str:
    answers = _table(("strategy", "answer", "hidden", "confidence", "reason"), (
        [escape(line.strategy), "abstained" if line.abstained else escape(line.candidate_id or ""),
         _verdict(line.passed), f"{line.confidence:.2f}", escape(line.reason)]
        for line in lines))
    solved = sum(bool(line.passed) for line in lines)
    return (f"<details><summary><b>{escape(record.problem.id)}</b> &middot; "
            f"{len(record.candidates)} programs &middot; {solved}/{len(lines)} strategies pass"
            f"</summary><pre>{escape(record.problem.statement)}</pre>{answers}"
            f"<h4>Candidates</h4>{''.join(_candidate(c) for c in record.candidates)}"
            f"{_comparisons(record.comparisons)}</details>")


def render(benchmark: str, summary: EvalSummary, records: Sequence[ProblemRecord],
           lines: Sequence[StrategyResult], images: Mapping[str, bytes]) -> str:
    """The whole report as one HTML document."""
    by_problem: dict[str, list[StrategyResult]] = {}
    for line in lines:
        by_problem.setdefault(line.problem_id, []).append(line)
    problems = "".join(_problem(r, by_problem.get(r.problem.id, [])) for r in records)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>codescale: "
            f"{escape(benchmark)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>codescale evaluation: {escape(benchmark)}</h1>"
            f"<p>{summary.problems} problems ({summary.scored} with hidden tests), "
            f"n = {summary.n} samples, {summary.rounds} debug rounds.</p>"
            f"{_overview(summary)}{_images(images)}<h2>Problems</h2>{problems}</body></html>")
