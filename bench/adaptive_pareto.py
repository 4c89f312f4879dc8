"""Accuracy against tokens: fixed-n S* at n = 1, 2, 4, ..., N (with the debug rounds asked
for, and without any: fresh samples instead of revisions) and adaptive S* (waves; with
debugging only of problems still without a passer, and without debugging, unbudgeted and
under token budgets), on one benchmark, in one run.

The fixed n=N arm draws every sample. Every other arm replays what it shares with it from one
completion cache (kept per sample: sample k of a seeded request is the same draw whichever
request asks for it, so a wave of 4 reads samples 4..7 of the n=N draw) and generates only
what is new (revisions of other copy counts, say). Replayed completions are counted as spent,
so each arm's tokens are what it needs on its own; wall times of replayed arms mean nothing
and are not reported. Budgets are fractions of the fixed n=N/2 arm's tokens (the target:
adaptive S* matches fixed n=8 with at most half its tokens). Every arm has its own run
directory under OUT/runs, so an interrupted bench resumes.

Usage: python bench/adaptive_pareto.py humaneval [--limit N] [--n 16] [--rounds 1]
           [--max-tokens 384] [--budgets 0.3,0.4,0.5] [--out bench/results/adaptive-humaneval]
       python bench/adaptive_pareto.py codecontests --data PATH --index A,B ...
"""

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from codescale.config import Config  # noqa: E402
from codescale.evaluation.benchmarks import BenchmarkChoice, load_benchmark  # noqa: E402
from codescale.evaluation.run import evaluate  # noqa: E402
from codescale.evaluation.summary import EvalSummary, StrategyScore  # noqa: E402
from codescale.execution.protocol import Sandbox  # noqa: E402
from codescale.llm.cache import CachedGenerator, ChargedReplays  # noqa: E402
from codescale.llm.protocol import Generator  # noqa: E402
from codescale.models import Frozen, Problem  # noqa: E402
from codescale.scaling.config import AdaptiveConfig, BudgetCaps, ScalingConfig  # noqa: E402

BASELINES = ("public_tests", "majority", "oracle")
"""Strategies answered beside S* in every arm: those that need no LLM call of their own."""


class ArmResult(Frozen):
    """One arm's S* score and cost."""

    arm: str
    kind: str
    solved: int
    scored: int
    accuracy: float
    tokens: int
    llm_calls: int
    executions: int
    oracle: float
    false_positives: int
    public_passing: int

    def line(self) -> str:
        """The arm's result in one line, printed as it finishes."""
        return f"{self.arm}: {self.solved}/{self.scored} solved, {self.tokens:,} tokens"


def sstar_of(summary: EvalSummary) -> StrategyScore:
    """The S* line of a run's summary."""
    return next(score for score in summary.strategies if score.strategy == "sstar")


def run_arm(name: str, kind: str, scaling: ScalingConfig, problems: list[Problem],
            args: argparse.Namespace, generator: Generator, sandbox: Sandbox) -> ArmResult:
    """Evaluate one arm in its own run directory (resuming it when it exists)."""
    config = args.base.model_copy(update={
        "run_dir": args.out / "runs" / name, "completion_cache": None,
        "scaling": scaling.model_copy(update={"selector": "sstar", "baselines": BASELINES})})
    summary = evaluate(args.benchmark, problems, config, generator, sandbox,
                       every_strategy=False)
    score = sstar_of(summary)
    cost = score.cost.cost
    return ArmResult(arm=name, kind=kind, solved=score.solved, scored=score.scored,
                     accuracy=score.accuracy, tokens=cost.prompt_tokens + cost.completion_tokens,
                     llm_calls=cost.llm_calls, executions=cost.executions,
                     oracle=summary.oracle, false_positives=score.false_positives,
                     public_passing=score.public_passing)


def fixed_sizes(n: int) -> list[int]:
    """N, N/2, ..., 1: the largest first, since it draws what the others replay."""
    sizes = [n]
    while sizes[-1] > 1:
        sizes.append(sizes[-1] // 2)
    return sizes


def pareto_png(rows: list[ArmResult], path: Path) -> None:
    """Accuracy against tokens: the fixed-n line and the adaptive points."""
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for kind, label in (("fixed", "fixed-n S*"), ("no-debug", "fixed-n S*, no debugging")):
        line = sorted((r for r in rows if r.kind == kind), key=lambda r: r.tokens)
        if not line:
            continue
        axes.plot([r.tokens for r in line], [100 * r.accuracy for r in line], marker="o",
                  label=label, linestyle="-" if kind == "fixed" else ":")
        for row in line:
            axes.annotate(row.arm.removeprefix("fixed-").removesuffix("-no-debug"),
                          (row.tokens, 100 * row.accuracy), textcoords="offset points",
                          xytext=(4, -10), fontsize=8)
    adaptive = [r for r in rows if r.kind == "adaptive"]
    axes.scatter([r.tokens for r in adaptive], [100 * r.accuracy for r in adaptive],
                 color="tab:red", marker="s", label="adaptive S*", zorder=3)
    for index, row in enumerate(sorted(adaptive, key=lambda r: r.tokens)):
        axes.annotate(row.arm.removeprefix("adaptive-"), (row.tokens, 100 * row.accuracy),
                      textcoords="offset points", xytext=(-8, 6 if index % 2 else -14),
                      fontsize=8, color="tab:red", ha="right")
    axes.set_xscale("log")
    axes.set_xlabel("tokens (prompt + completion), whole run")
    axes.set_ylabel("S* hidden-test accuracy (%)")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmark", choices=["humaneval", "codecontests"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--index", help="codecontests letters, e.g. A,B")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=384)
    parser.add_argument("--budgets", default="0.3,0.4,0.5",
                        help="token budgets as fractions of the fixed n=N/2 arm's tokens")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--config", type=Path, help="TOML: the [llm] and [sandbox] to use")
    args = parser.parse_args()
    args.base = Config.from_toml(args.config) if args.config else Config()
    args.out = args.out or Path("bench/results") / f"adaptive-{args.benchmark}"
    problems = load_benchmark(BenchmarkChoice.model_validate({
        "target": args.benchmark, "data": args.data, "limit": args.limit,
        "letters": tuple(args.index.split(",")) if args.index else None}))
    common = {"rounds": args.rounds, "max_tokens": args.max_tokens}
    fixed = {**common, "adaptive": AdaptiveConfig(enabled=False)}
    (args.out / "runs").mkdir(parents=True, exist_ok=True)
    rows: list[ArmResult] = []
    console = Console(width=160)
    with args.base.sandbox.open() as sandbox:
        cache = CachedGenerator(args.base.llm.open(), args.out / "runs" / "completions.sqlite")
        generator = ChargedReplays(cache)
        for n in fixed_sizes(args.n):
            rows.append(run_arm(f"fixed-{n}", "fixed", ScalingConfig(n=n, **fixed), problems,
                                args, generator, sandbox))
            console.print(rows[-1].line())
        if args.rounds:  # fresh samples instead of revisions, for the same tokens
            for n in fixed_sizes(args.n):
                no_debug = {**fixed, "rounds": 0}
                rows.append(run_arm(f"fixed-{n}-no-debug", "no-debug",
                                    ScalingConfig(n=n, **no_debug), problems, args, generator,
                                    sandbox))
                console.print(rows[-1].line())
        reference = next(r for r in rows if r.arm == f"fixed-{max(args.n // 2, 1)}")
        waves = {"n": args.n, "adaptive": AdaptiveConfig(enabled=True), **common}
        arms = {"adaptive": ScalingConfig(revise="unsolved", **waves),
                "adaptive-no-debug": ScalingConfig(**{**waves, "rounds": 0})}
        for share in (float(s) for s in args.budgets.split(",")):
            arms[f"adaptive-{share:.2f}x"] = ScalingConfig(
                budget=BudgetCaps(tokens=int(share * reference.tokens)),
                **{**waves, "rounds": 0})
        for name, scaling in arms.items():
            rows.append(run_arm(name, "adaptive", scaling, problems, args, generator, sandbox))
            console.print(rows[-1].line())
        cache.close()
    table = Table(title=f"S* on {args.benchmark} ({len(problems)} problems), accuracy against "
                        f"tokens; ratios against fixed n={reference.arm.removeprefix('fixed-')}")
    for column in ("arm", "solved", "accuracy", "tokens", "tokens ratio", "LLM calls",
                   "executions", "public-test false positives"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.arm, f"{row.solved}/{row.scored}", f"{100 * row.accuracy:.1f}%",
                      f"{row.tokens:,}", f"{row.tokens / max(reference.tokens, 1):.2f}",
                      str(row.llm_calls), str(row.executions),
                      f"{row.false_positives}/{row.public_passing}")
    console.print(table)
    (args.out / "pareto.json").write_text(json.dumps([r.model_dump() for r in rows], indent=2))
    pareto_png(rows, args.out / "pareto.png")
    console.print(f"written: {args.out / 'pareto.json'}, {args.out / 'pareto.png'}")


if __name__ == "__main__":
    main()
