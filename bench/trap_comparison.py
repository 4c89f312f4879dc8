"""Greedy single-sample generation against S* on the example problems, in one run.

Both arms use the same generator (the embedded model by default) and the real sandbox;
each answer is scored on the problem's hidden tests, and so is every candidate in the pool
(the oracle: problems where some candidate passes). Prints how many problems each arm
solves and what it cost (tokens, LLM calls, sandbox executions, wall time), what each stage
cost (sampling, public tests, debug rounds, input synthesis, adjudication), then the
per-problem verdicts.

Usage: python bench/trap_comparison.py [PROBLEMS...] [--n 8] [--rounds 1] [--max-tokens 512]
                                       [--greedy-sample] [--run-dir runs/bench-traps]
                                       [--no-prefix-sharing]
                                       [--config TOML]   (its [llm] and [sandbox] are used)
"""

import argparse
import time
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.table import Table

from codescale.api import Session
from codescale.config import Config, run_completion_cache
from codescale.evaluation.scoring import hidden_jobs_runner, score_answers, score_candidates
from codescale.llm.llamacpp_engine import prefix_sharing_off
from codescale.models import Cost, Problem
from codescale.problems import load_problems
from codescale.scaling.config import AdaptiveConfig, ScalingConfig
from codescale.scaling.costs import StageCost, stage_costs, totals
from codescale.store import RunStore


def arms(args: argparse.Namespace) -> dict[str, ScalingConfig]:
    """The two settings compared: greedy one sample, and the paper's S* (fixed `n`) with
    sampling and debugging."""
    common = {"max_tokens": args.max_tokens, "seed": args.seed,
              "adaptive": AdaptiveConfig(enabled=False)}
    return {
        "greedy (n=1, T=0, no debugging)": ScalingConfig(
            n=1, temperature=0.0, rounds=0, selector="first", **common),
        f"S* (n={args.n}{', sample 0 greedy' if args.greedy_sample else ''}, T=0.7, "
        f"{args.rounds} debug rounds)": ScalingConfig(
            n=args.n, temperature=0.7, rounds=args.rounds, selector="sstar",
            greedy_sample=args.greedy_sample, **common),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("problems", nargs="*", type=Path, default=[Path("problems")])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--greedy-sample", action="store_true",
                        help="S* decodes sample 0 greedily (scaling.greedy_sample)")
    parser.add_argument("--run-dir", type=Path, default=Path("runs/bench-traps"))
    parser.add_argument("--no-prefix-sharing", action="store_true",
                        help="embedded model: no prompt shares a prefix with another (the "
                             "baseline for what sharing saves in debug rounds)")
    parser.add_argument("--config", type=Path, help="TOML: the [llm] and [sandbox] to use")
    args = parser.parse_args()
    with prefix_sharing_off() if args.no_prefix_sharing else nullcontext():
        compare(args)


def compare(args: argparse.Namespace) -> None:
    """Run both arms, then print the summary, the stage costs and the per-problem verdicts."""
    base = Config.from_toml(args.config) if args.config else Config()
    problems = load_problems(args.problems)
    console = Console(width=160)

    summary = Table(title=f"greedy vs S* on {len(problems)} problems (hidden tests)")
    for column in ("arm", "solved", "oracle", "abstained", "prompt tok", "completion tok",
                   "LLM calls", "executions", "wall s"):
        summary.add_column(column)
    stages = Table(title="what each stage cost")
    for column in ("arm", "stage", "prompt tok", "completion tok", "LLM calls", "executions",
                   "wall s"):
        stages.add_column(column)
    verdicts: dict[str, dict[str, bool | None]] = {}
    for index, (name, scaling) in enumerate(arms(args).items()):
        run_dir = args.run_dir / f"arm{index}"
        config = base.model_copy(update={"scaling": scaling, "run_dir": run_dir,
                                         "completion_cache": run_completion_cache(run_dir)})
        started = time.perf_counter()
        with Session(config) as session:
            answers = session.solve_all(problems)
            elapsed = time.perf_counter() - started
            verdicts[name] = score_answers(session, problems, answers)
            oracle, spent = pool_oracle_and_stages(session, problems)
        cost = sum((a.cost for a in answers), Cost())
        summary.add_row(name, f"{sum(v is True for v in verdicts[name].values())}/{len(problems)}",
                        f"{oracle}/{len(problems)}",
                        str(sum(a.abstained for a in answers)), str(cost.prompt_tokens),
                        str(cost.completion_tokens), str(cost.llm_calls), str(cost.executions),
                        f"{elapsed:.0f}")
        for stage in spent:
            stages.add_row(name, stage.stage, str(stage.cost.prompt_tokens),
                           str(stage.cost.completion_tokens), str(stage.cost.llm_calls),
                           str(stage.cost.executions), f"{stage.cost.wall_time_s:.0f}")
        console.print(f"{name}: done in {elapsed:.0f} s")
    console.print(summary)
    console.print(stages)
    console.print(_per_problem(problems, verdicts))


def pool_oracle_and_stages(session: Session, problems: list[Problem]
                           ) -> tuple[int, list[StageCost]]:
    """How many problems have a candidate passing the hidden tests (scoring every candidate
    of the session's run), and the run's spending per stage."""
    store = RunStore.open(session.config.run_dir)
    try:
        run_jobs = hidden_jobs_runner(session.config.scaling, session.generator,
                                      session.sandbox, store)
        return (len(score_candidates(run_jobs, store, problems)),
                stage_costs(totals(store.spending())))
    finally:
        store.close()


def _per_problem(problems: list, verdicts: dict[str, dict[str, bool | None]]) -> Table:
    table = Table(title="hidden-test verdict per problem")
    table.add_column("problem")
    for name in verdicts:
        table.add_column(name)
    for problem in problems:
        table.add_row(problem.id, *({True: "pass", False: "fail", None: "-"}[v[problem.id]]
                                    for v in verdicts.values()))
    return table


if __name__ == "__main__":
    main()
