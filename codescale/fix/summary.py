"""The Markdown summary of a fix run, fit for a pull-request comment."""

from codescale.fix.models import FixReport, TestOutcome
from codescale.models import Comparison, Cost

_TITLE = {"fixed": "verified fix found", "already_passing": "tests already pass",
          "no_fix": "no verified fix found"}
_MAX_LISTED = 20


def _first_line(outcome: TestOutcome) -> str:
    lines = [line.strip() for line in outcome.text.splitlines() if line.strip()]
    return lines[0][:160] if lines else outcome.outcome


def _cell(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'").replace("\n", " ")[:80] + "`"


def _comparisons(rows: tuple[Comparison, ...]) -> list[str]:
    table = ["| function | input | output A | output B | kept | decided by |",
             "|---|---|---|---|---|---|"]
    for c in rows:
        kept = c.candidate_a if c.winner == "a" else c.candidate_b
        table.append(f"| `{c.problem_id}` | {_cell(c.input)} | {c.candidate_a}: "
                     f"{_cell(c.output_a)} | {c.candidate_b}: {_cell(c.output_b)} | {kept} | "
                     f"{c.decided_by} |")
    return table


def _cost(cost: Cost) -> str:
    return (f"{cost.prompt_tokens} prompt + {cost.completion_tokens} completion tokens, "
            f"{cost.llm_calls} LLM calls, {cost.executions} sandbox runs, "
            f"{cost.wall_time_s:.1f} s")


def _listed(ids: list[str]) -> list[str]:
    shown = [f"- `{test_id}`" for test_id in ids[:_MAX_LISTED]]
    return shown + ([f"- ... and {len(ids) - _MAX_LISTED} more"] if len(ids) > _MAX_LISTED else [])


def markdown(report: FixReport) -> str:
    """What failed, what changed, which tests now pass, what was compared, and the cost."""
    out = [f"## codescale fix: {_TITLE[report.status]}", "",
           f"Test command: `{report.command}`. {report.reason[:1].upper()}{report.reason[1:]}."]
    failing = report.baseline.failing
    if failing:
        out += ["", "### What failed", *[f"- `{t.id}`: {_first_line(t)}" for t in failing]]
    selection, verification = report.selection, report.chosen_verification
    if selection is not None and verification is not None:
        patch = selection.chosen
        out += ["", f"### What changed ({', '.join(sorted(patch.files))}, "
                    f"{patch.size} lines)", "", "```diff", patch.diff.rstrip(), "```",
                "", "### Tests now passing", *_listed(list(verification.fixed)),
                f"\nNo test that passed before fails with the patch "
                f"({len(report.baseline.passing_ids)} checked)."]
    if report.status != "already_passing":
        out += ["", "### What was compared",
                f"{report.candidates} distinct candidate patches were tested in the sandbox; "
                f"{len(report.verified)} fixed every failing test without breaking another."]
        if selection is not None and selection.comparisons:
            out += [f"They were run on {selection.inputs} distinguishing inputs; "
                    f"{selection.reason}.", "", *_comparisons(selection.comparisons)]
    out += ["", f"**Cost:** {_cost(report.cost)}"]
    return "\n".join(out) + "\n"
