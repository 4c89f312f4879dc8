"""The CI bot's pass: failing tests -> context -> sampled patches -> verified in the sandbox ->
debugged -> selected. Nothing here writes to the repository."""

from codescale.execution.protocol import Sandbox
from codescale.fix.config import FixConfig
from codescale.fix.context import FixContext, gather
from codescale.fix.diffs import unified_diff
from codescale.fix.edits import answer_changes
from codescale.fix.functions import FunctionSource, index, is_test_file
from codescale.fix.ledger import Ledger
from codescale.fix.models import FixReport, Patch, TestRun, Verification
from codescale.fix.prompts import fix_messages, revision_messages
from codescale.fix.sandbox_runs import SandboxRuns, check_runnable
from codescale.fix.select import select
from codescale.fix.snapshot import Snapshot
from codescale.fix.verify import verify
from codescale.llm.protocol import GenerationRequest, Generator, SamplingParams
from codescale.scaling.runner import Event, Progress


class _Attempts:
    """Every distinct patch proposed so far and its verification."""

    def __init__(self) -> None:
        self.patches: dict[str, Patch] = {}  # diff -> patch
        self.checked: dict[str, Verification] = {}  # patch id -> verification

    def new(self, snapshot: Snapshot, answers: list[tuple[str, Patch | None]],
            suspects: tuple[FunctionSource, ...], functions: list[FunctionSource],
            round_: int) -> list[Patch]:
        """The answers' patches not seen before (answers without usable changes dropped)."""
        fresh = []
        for answer, parent in answers:
            changes = answer_changes(snapshot, answer, suspects, functions)
            if changes is None:
                continue
            diff = unified_diff(snapshot, changes)
            if diff in self.patches:
                continue
            patch = Patch(id=f"p{len(self.patches) + 1}", files=changes, diff=diff,
                          parent_id=parent.id if parent else None, round=round_, answer=answer)
            self.patches[diff] = patch
            fresh.append(patch)
        return fresh

    def verified(self) -> list[Patch]:
        """Patches that fix every failing test and break none, in the order proposed."""
        return [p for p in self.patches.values() if self.checked[p.id].verified]


def _texts(ledger: Ledger, requests: list[GenerationRequest]) -> list[list[str]]:
    return [[c.text for c in result.completions] for result in ledger.generate(requests)]


def fix(snapshot: Snapshot, config: FixConfig, generator: Generator, sandbox: Sandbox,
        progress: Progress | None = None) -> FixReport:
    """Propose a verified patch for the failing tests of the repository in `snapshot`.

    Raises TestCommandError when the test command cannot run in the sandbox."""

    def say(stage: str, message: str) -> None:
        if progress is not None:
            progress(Event(stage=stage, message=message))

    ledger = Ledger(generator)
    runs = SandboxRuns(sandbox, snapshot, config.test_command, config.timeout_s, config.memory_mb)
    say("baseline", f"running `{config.test_command}` in the sandbox")
    baseline = runs.tests([None])[0]
    check_runnable(baseline, config.test_command)
    if not baseline.failing:
        return FixReport(command=config.test_command, baseline=baseline, status="already_passing",
                         cost=ledger.total(runs.executions),
                         reason=f"all {len(baseline.tests)} tests pass; nothing to fix")
    context = gather(snapshot, baseline.failing)
    functions = [f for f in index(snapshot) if not is_test_file(f.path)]
    attempts = _Attempts()
    sampling = SamplingParams(n=config.n, temperature=config.temperature,
                              max_tokens=config.max_tokens, seed=config.seed)
    say("sample", f"{config.n} candidate patches")
    first = GenerationRequest(
        messages=fix_messages(context, config.test_command, config.feedback_chars),
        params=sampling)
    answers: list[tuple[str, Patch | None]] = [(text, None)
                                               for text in _texts(ledger, [first])[0]]
    for round_ in range(config.rounds + 1):
        fresh = attempts.new(snapshot, answers, context.suspects, functions, round_)
        say("verify", f"round {round_}: {len(fresh)} new patches")
        for patch, run in zip(fresh, runs.tests([p.files for p in fresh]), strict=True):
            attempts.checked[patch.id] = verify(patch.id, baseline, run)
        failing = [p for p in fresh if not attempts.checked[p.id].verified]
        if round_ == config.rounds or not failing:
            break
        say("debug", f"round {round_ + 1}: revising {len(failing)} patches")
        answers = _revisions(ledger, context, config, failing, attempts, round_ + 1)
    return _report(ledger, runs, snapshot, context, config, baseline, attempts)


def _revisions(ledger: Ledger, context: FixContext, config: FixConfig, failing: list[Patch],
               attempts: _Attempts, round_: int) -> list[tuple[str, Patch | None]]:
    """One revision per failing patch, all in one batch (a new seed each round)."""
    params = SamplingParams(temperature=config.temperature, max_tokens=config.max_tokens,
                            seed=config.seed + round_)
    texts = _texts(ledger, [GenerationRequest(messages=revision_messages(
        context, config.test_command, patch.answer, attempts.checked[patch.id],
        config.feedback_chars), params=params) for patch in failing])
    return [(found[0], patch) for patch, found in zip(failing, texts, strict=True) if found]


def _report(ledger: Ledger, runs: SandboxRuns, snapshot: Snapshot, context: FixContext,
            config: FixConfig, baseline: TestRun, attempts: _Attempts) -> FixReport:
    verified = attempts.verified()
    found = FixReport(command=config.test_command, baseline=baseline, status="no_fix",
                      candidates=len(attempts.patches), verified=tuple(verified))
    if not verified:
        return found.model_copy(update={
            "cost": ledger.total(runs.executions),
            "reason": f"none of {len(attempts.patches)} candidate patches made the failing "
                      f"tests pass without breaking others"})
    selection = select(ledger, runs, snapshot, verified, context,
                       llm_inputs=config.llm_inputs, hypothesis_inputs=config.hypothesis_inputs,
                       seed=config.seed, temperature=config.judge_temperature,
                       max_tokens=config.max_tokens, limit=config.feedback_chars)
    return found.model_copy(update={
        "status": "fixed", "selection": selection,
        "chosen_verification": attempts.checked[selection.chosen.id],
        "cost": ledger.total(runs.executions), "reason": selection.reason})
