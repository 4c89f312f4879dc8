"""The CI bot's pass: failing tests -> context -> sampled patches -> verified in the sandbox ->
debugged -> selected with the S* core. Work and spending go through the run store, so a
killed run resumes and the `[scaling.budget]` caps apply. Nothing here writes to the
repository."""

from codescale.fix.config import FixConfig
from codescale.fix.context import FixContext, gather
from codescale.fix.diffs import unified_diff
from codescale.fix.edits import answer_changes
from codescale.fix.functions import FunctionSource, index, is_test_file
from codescale.fix.models import REPOSITORY, FixReport, FixStatus, Patch, TestRun, Verification
from codescale.fix.prompts import fix_messages, revision_messages
from codescale.fix.recorded import RecordedRuns
from codescale.fix.sandbox_runs import SandboxRuns, check_runnable
from codescale.fix.select import select
from codescale.fix.snapshot import Snapshot
from codescale.fix.verify import verify
from codescale.llm.protocol import GenerationRequest, SamplingParams
from codescale.models import Stage
from codescale.scaling.runner import Runner


class _Attempts:
    """Every distinct patch proposed so far and its verification."""

    def __init__(self) -> None:
        self.patches: dict[str, Patch] = {}  # diff -> patch
        self.checked: dict[str, Verification] = {}  # patch id -> verification

    def new(self, snapshot: Snapshot, answers: list[tuple[str, str | None]],
            suspects: tuple[FunctionSource, ...], functions: list[FunctionSource],
            round_: int) -> list[Patch]:
        """The answers' patches not seen before (answers without usable changes dropped);
        each answer comes with the id of the patch it revises, if any."""
        fresh = []
        for answer, parent_id in answers:
            changes = answer_changes(snapshot, answer, suspects, functions)
            if changes is None:
                continue
            diff = unified_diff(snapshot, changes)
            if diff in self.patches:
                continue
            patch = Patch(id=f"p{len(self.patches) + 1}", files=changes, diff=diff,
                          parent_id=parent_id, round=round_, answer=answer)
            self.patches[diff] = patch
            fresh.append(patch)
        return fresh

    def verified(self) -> list[Patch]:
        """Patches that fix every failing test and break none, in the order proposed."""
        return [p for p in self.patches.values()
                if p.id in self.checked and self.checked[p.id].verified]


def _answers(runner: Runner, stage: Stage, round_: int,
             asks: list[tuple[GenerationRequest, str | None]]) -> list[tuple[str, str | None]]:
    """Each request's completions with the parent patch id it came with, in ONE batch; a
    resumed run reads the answers the earlier one recorded."""
    key = f"fix:answers:{round_}"
    recorded = runner.store.step(key)
    if recorded is not None:
        return [(text, parent) for text, parent in recorded]
    results = runner.generate(stage, [(REPOSITORY, request) for request, _ in asks], round_)
    found = [(completion.text, parent) for (_, parent), result in zip(asks, results, strict=True)
             if result is not None for completion in result.completions]
    if all(result is not None for result in results):
        runner.store.mark_step(key, [list(pair) for pair in found])
    return found


def fix(snapshot: Snapshot, settings: FixConfig, runner: Runner, runs: SandboxRuns
        ) -> FixReport:
    """Propose a verified patch for the failing tests of the repository in `snapshot`.

    Raises TestCommandError when the test command cannot run in the sandbox."""
    config, recorded = runner.config, RecordedRuns(runner, runs)
    runner.emit("baseline", f"running `{settings.test_command}` in the sandbox")
    baseline = recorded.tests([None])[0]
    if baseline is None:
        return _report(runner, settings, _unrun(), _Attempts(), "no_fix",
                       runner.budget.stopped or "the budget allows no test run")
    check_runnable(baseline, settings.test_command)
    if not baseline.failing:
        return _report(runner, settings, baseline, _Attempts(), "already_passing",
                       f"all {len(baseline.tests)} tests pass; nothing to fix")
    context = gather(snapshot, baseline.failing)
    functions = [f for f in index(snapshot) if not is_test_file(f.path)]
    attempts = _Attempts()
    first = GenerationRequest(
        messages=fix_messages(context, settings.test_command, config.feedback_chars),
        params=SamplingParams(n=config.n, temperature=config.temperature,
                              max_tokens=config.max_tokens, seed=config.seed))
    answers = _answers(runner, Stage.SAMPLE, 0, [(first, None)])
    for round_ in range(config.rounds + 1):
        fresh = attempts.new(snapshot, answers, context.suspects, functions, round_)
        runner.emit("verify", f"round {round_}: {len(fresh)} new patches")
        for patch, run in zip(fresh, recorded.tests(fresh), strict=True):
            if run is not None:
                attempts.checked[patch.id] = verify(patch.id, baseline, run)
        failing = [p for p in fresh if p.id in attempts.checked
                   and not attempts.checked[p.id].verified]
        if round_ == config.rounds or not failing or runner.budget.exhausted():
            break
        runner.emit("debug", f"round {round_ + 1}: revising {len(failing)} patches")
        answers = _revisions(runner, settings, context, failing, attempts, round_ + 1)
    return _select(runner, settings, snapshot, context, baseline, attempts, recorded)


def _revisions(runner: Runner, settings: FixConfig, context: FixContext, failing: list[Patch],
               attempts: _Attempts, round_: int) -> list[tuple[str, str | None]]:
    """One revision per failing patch, all in one batch (a new seed each round)."""
    config = runner.config
    params = SamplingParams(temperature=config.temperature, max_tokens=config.max_tokens,
                            seed=config.seed + round_)
    return _answers(runner, Stage.DEBUG, round_, [(GenerationRequest(
        messages=revision_messages(context, settings.test_command, patch.answer,
                                   attempts.checked[patch.id], config.feedback_chars),
        params=params), patch.id) for patch in failing])


def _unrun() -> TestRun:
    return TestRun(exit_code=None, output="not run: the budget allows no test run")


def _report(runner: Runner, settings: FixConfig, baseline: TestRun, attempts: _Attempts,
            status: FixStatus, reason: str) -> FixReport:
    stop = runner.budget.stopped
    return FixReport(command=settings.test_command, baseline=baseline, status=status,
                     candidates=len(attempts.patches), verified=tuple(attempts.verified()),
                     cost=runner.budget.total(),
                     reason=f"{reason}; stopped early: {stop}" if stop and stop != reason
                     else reason)


def _select(runner: Runner, settings: FixConfig, snapshot: Snapshot, context: FixContext,
            baseline: TestRun, attempts: _Attempts, recorded: RecordedRuns) -> FixReport:
    verified = attempts.verified()
    if not verified:
        return _report(runner, settings, baseline, attempts, "no_fix",
                       f"none of {len(attempts.patches)} candidate patches made the failing "
                       f"tests pass without breaking others")
    selection = select(runner, recorded, snapshot, verified, context)
    found = _report(runner, settings, baseline, attempts, "fixed", selection.reason)
    return found.model_copy(update={"selection": selection,
                                    "chosen_verification": attempts.checked[selection.chosen.id],
                                    "cost": runner.budget.total()})
