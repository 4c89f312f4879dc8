"""Human-readable tables of answers."""

from collections.abc import Mapping, Sequence

from rich.console import Group
from rich.markup import escape
from rich.rule import Rule
from rich.syntax import Syntax
from rich.table import Table

from codescale.models import Answer


def answers_table(answers: Sequence[Answer], hidden: Mapping[str, bool | None]) -> Table:
    """One row per answer: the choice, its evidence, hidden-test result and cost."""
    table = Table(title="codescale answers")
    for column in ("problem", "strategy", "answer", "confidence", "public", "comparisons",
                   "hidden", "tokens", "LLM calls", "executions", "wall s", "why"):
        table.add_column(column, overflow="fold")
    for answer in answers:
        evidence, cost = answer.evidence, answer.cost
        verdict = hidden.get(answer.problem_id)
        table.add_row(
            answer.problem_id, answer.strategy,
            "abstained" if answer.abstained else (answer.candidate_id or "")[:12],
            f"{answer.confidence:.2f}",
            f"{evidence.public_passed}/{evidence.public_total}",
            f"{evidence.comparisons_won}/{evidence.comparisons_total}",
            {True: "[green]pass[/]", False: "[red]fail[/]", None: "-"}[verdict],
            str(cost.prompt_tokens + cost.completion_tokens), str(cost.llm_calls),
            str(cost.executions), f"{cost.wall_time_s:.1f}", escape(answer.reason),
        )
    return table


def chosen_programs(answers: Sequence[Answer]) -> Group:
    """Each selected program under a rule naming its problem (abstentions are skipped)."""
    parts: list[Rule | Syntax] = []
    for answer in answers:
        if answer.code is not None:
            parts.append(Rule(f"{answer.problem_id} ({answer.strategy})"))
            parts.append(Syntax(answer.code, "python"))
    return Group(*parts)
