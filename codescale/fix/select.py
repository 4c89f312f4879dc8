"""Choosing among verified patches with the S* core (`codescale.scaling.contest`): run them on
distinguishing inputs, group those that behave alike, and let the LLM adjudicate a knockout
between the groups; the smaller patch wins where nothing else decides."""

from codescale.fix.context import FixContext
from codescale.fix.models import REPOSITORY, Patch, Selection
from codescale.fix.probes import Probe, inputs_for, probes
from codescale.fix.recorded import RecordedRuns
from codescale.fix.snapshot import Snapshot
from codescale.models import Frozen
from codescale.scaling.contest import Bracket, Entrant, Output, champion, group, judged_in, knockout
from codescale.scaling.runner import Runner

ERROR = "error: "  # how a probe reports a call that raised or timed out


class Row(Frozen):
    """One distinguishing input: the probed function, its arguments, each patch's output."""

    probe: Probe
    input: str
    outputs: dict[str, str]


def _output(text: str) -> Output:
    """A probe's result as the S* core sees it: a value, or a call that failed."""
    if text.startswith(ERROR):
        return Output(text=text, clean=False, failure="error")
    return Output(text=text)


def _rows(runs: RecordedRuns, patches: list[Patch], probe: Probe, inputs: list[str]
          ) -> list[Row]:
    """The inputs at least one patch handles without an error, with every patch's output."""
    outputs = runs.probe(patches, probe, inputs) if inputs else None
    if outputs is None:
        return []
    rows = [Row(probe=probe, input=text,
                outputs={patch.id: out[i] for patch, out in zip(patches, outputs, strict=True)})
            for i, text in enumerate(inputs)]
    return [row for row in rows if not all(o.startswith(ERROR) for o in row.outputs.values())]


def entrants(patches: list[Patch], rows: list[Row]) -> list[Entrant]:
    """Patches grouped by behaviour on the rows, largest group first, then the smallest
    representative; each group is played by its smallest patch."""
    def outputs(patch: Patch) -> tuple[Output, ...]:
        return tuple(_output(row.outputs[patch.id]) for row in rows)

    found = [Entrant(id=rep.id, size=len(members), merit=-rep.size, outputs=outputs(rep))
             for members in group(patches, outputs, "call")
             for rep in [min(members, key=lambda p: p.size)]]
    return sorted(found, key=lambda e: (-e.size, -e.merit))


def select(runner: Runner, runs: RecordedRuns, snapshot: Snapshot, patches: list[Patch],
           context: FixContext) -> Selection:
    """The verified patch to propose, with the inputs and adjudications that chose it."""
    if len(patches) == 1:
        return Selection(chosen=patches[0], reason="the only verified patch")
    found = probes(snapshot, patches, context)
    rows = [row for probe, texts in zip(found, inputs_for(runner, found), strict=True)
            for row in _rows(runs, patches, probe, texts)]
    bracket = Bracket(key=REPOSITORY, inputs=tuple(row.input for row in rows),
                      problems=tuple(row.probe.problem for row in rows), io="call",
                      merit_decider="smaller_patch", merit_rule="smaller patch")
    field = entrants(patches, rows)
    played = knockout([(bracket, field)], judged_in(runner))[REPOSITORY]
    chosen = next(p for p in patches if p.id == champion(field, played).id)
    reason = (f"won the knockout of {len(played) + 1} behaviour groups "
              f"({sum(m.decided_by == 'llm' for m in played)} LLM adjudications)" if played
              else f"all {len(patches)} verified patches behave alike on {len(rows)} inputs; "
                   f"the smallest was kept")
    return Selection(chosen=chosen, comparisons=tuple(played), inputs=len(rows), reason=reason)
