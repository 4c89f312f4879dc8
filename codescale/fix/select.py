"""Choosing among verified patches as the S* selector does: run them on distinguishing inputs,
group those that behave alike, and let the LLM adjudicate a knockout between the groups;
the smaller patch wins where nothing else decides."""

from typing import Literal

from codescale.execution.compare import outputs_match
from codescale.fix.context import FixContext
from codescale.fix.ledger import Ledger
from codescale.fix.models import Patch, PatchComparison, Selection
from codescale.fix.probes import Probe, inputs_for, probes
from codescale.fix.sandbox_runs import SandboxRuns
from codescale.fix.snapshot import Snapshot
from codescale.llm.protocol import GenerationRequest, GenerationResult, SamplingParams
from codescale.models import Frozen
from codescale.scaling.adjudicate import knockout_level, parse_verdict
from codescale.scaling.prompts import adjudication_messages

ERROR = "error: "  # how a probe reports a call that raised or timed out


class Row(Frozen):
    """One distinguishing input: the probed function, its arguments, each patch's output."""

    probe: Probe
    input: str
    outputs: dict[str, str]


class Group(Frozen):
    """Patches that behave alike on every row; the smallest one represents them."""

    patches: tuple[Patch, ...]

    @property
    def representative(self) -> Patch:
        """The smallest patch (the earliest among equals)."""
        return min(self.patches, key=lambda p: p.size)


def _agree(a: str, b: str) -> bool:
    if a.startswith(ERROR) or b.startswith(ERROR):
        return a.startswith(ERROR) and b.startswith(ERROR)
    return outputs_match("call", a, b)


def groups(patches: list[Patch], rows: list[Row]) -> list[Group]:
    """Patches grouped by behaviour: largest group first, then smallest representative."""
    found: list[list[Patch]] = []
    for patch in patches:
        home = next((g for g in found if all(_agree(r.outputs[g[0].id], r.outputs[patch.id])
                                             for r in rows)), None)
        if home is None:
            found.append([patch])
        else:
            home.append(patch)
    ordered = sorted((Group(patches=tuple(g)) for g in found),
                     key=lambda g: (-len(g.patches), g.representative.size))
    return ordered


def _disputed(rows: list[Row], a: str, b: str) -> Row | None:
    """The first row where two patches differ, preferring one where neither raised."""
    differing = [r for r in rows if not _agree(r.outputs[a], r.outputs[b])]
    clean = [r for r in differing if not (r.outputs[a] + r.outputs[b]).count(ERROR)]
    return next(iter(clean or differing), None)


def _undecided(a: Group, b: Group, row: Row | None, why: str) -> PatchComparison:
    """A match the judge did not decide: the larger group, else the smaller patch."""
    rep_a, rep_b = a.representative, b.representative
    winner: Literal["a", "b"]
    rule: Literal["larger_cluster", "smaller_patch"]
    if len(a.patches) != len(b.patches):
        winner, rule = ("a" if len(a.patches) > len(b.patches) else "b"), "larger_cluster"
    else:
        winner, rule = ("a" if rep_a.size <= rep_b.size else "b"), "smaller_patch"
    return PatchComparison(function=row.probe.label if row else "", input=row.input if row else "",
                           patch_a=rep_a.id, patch_b=rep_b.id,
                           output_a=row.outputs[rep_a.id] if row else "",
                           output_b=row.outputs[rep_b.id] if row else "",
                           winner=winner, decided_by=rule, rationale=why)


def _judged(a: Group, b: Group, row: Row, result: GenerationResult) -> PatchComparison:
    text = result.completions[0].text if result.completions else ""
    verdict = parse_verdict(text)
    if verdict is None:
        return _undecided(a, b, row, "judge answer unreadable")
    return _undecided(a, b, row, "").model_copy(
        update={"winner": verdict, "decided_by": "llm", "rationale": text[-500:]})


def knockout(ledger: Ledger, found: list[Group], rows: list[Row], temperature: float,
             max_tokens: int, seed: int, limit: int) -> tuple[Group, list[PatchComparison]]:
    """Play groups off pairwise, level by level (each level's judge prompts in one batch); the
    odd group out of a level, the largest, has a bye. Returns the champion and the matches."""
    alive, played = list(found), []
    params = SamplingParams(temperature=temperature, max_tokens=max_tokens, seed=seed)
    while len(alive) > 1:
        byes, pairs = knockout_level(alive)
        disputed = [_disputed(rows, a.representative.id, b.representative.id) for a, b in pairs]
        asking = [(i, row) for i, row in enumerate(disputed) if row is not None]
        results = ledger.generate([GenerationRequest(messages=adjudication_messages(
            row.probe.problem, row.input, row.outputs[pairs[i][0].representative.id],
            row.outputs[pairs[i][1].representative.id], limit), params=params)
            for i, row in asking])
        decided = {i: _judged(*pairs[i], row, result)
                   for (i, row), result in zip(asking, results, strict=True)}
        matches = [decided.get(i) or _undecided(a, b, None, "no input separates them")
                   for i, (a, b) in enumerate(pairs)]
        played += matches
        alive = byes + [pair[match.winner == "b"]
                        for pair, match in zip(pairs, matches, strict=True)]
    return alive[0], played


def _rows(runs: SandboxRuns, patches: list[Patch], probe: Probe, inputs: list[str]) -> list[Row]:
    """The inputs at least one patch handles without an error, with every patch's output."""
    if not inputs:
        return []
    outputs = runs.probe([patch.files for patch in patches], probe.function.module,
                         probe.function.name, inputs)
    rows = [Row(probe=probe, input=text,
                outputs={patch.id: out[i] for patch, out in zip(patches, outputs, strict=True)})
            for i, text in enumerate(inputs)]
    return [row for row in rows if not all(o.startswith(ERROR) for o in row.outputs.values())]


def select(ledger: Ledger, runs: SandboxRuns, snapshot: Snapshot, patches: list[Patch],
           context: FixContext, *, llm_inputs: int, hypothesis_inputs: int, seed: int,
           temperature: float, max_tokens: int, limit: int) -> Selection:
    """The verified patch to propose, with the inputs and adjudications that chose it."""
    if len(patches) == 1:
        return Selection(chosen=patches[0], reason="the only verified patch")
    found = probes(snapshot, patches, context)
    inputs = inputs_for(ledger, found, llm_inputs, hypothesis_inputs, seed, temperature,
                        max_tokens)
    rows = [row for probe, texts in zip(found, inputs, strict=True)
            for row in _rows(runs, patches, probe, texts)]
    champion, played = knockout(ledger, groups(patches, rows), rows, temperature, max_tokens,
                                seed, limit)
    reason = (f"won the knockout of {len(played) + 1} behaviour groups "
              f"({sum(m.decided_by == 'llm' for m in played)} LLM adjudications)" if played
              else f"all {len(patches)} verified patches behave alike on {len(rows)} inputs; "
                   f"the smallest was kept")
    return Selection(chosen=champion.representative, comparisons=tuple(played), inputs=len(rows),
                     reason=reason)
