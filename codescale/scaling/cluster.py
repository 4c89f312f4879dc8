"""Group survivors by behaviour: same output (by `outputs_match`) on every synthesized input."""

from codescale.models import Execution, Frozen
from codescale.scaling.contest import Bracket, Entrant, Output, group
from codescale.scaling.pool import PoolEntry, ProblemPool


class Cluster(Frozen):
    """Survivors that behave alike; the representative is the member sampled most often."""

    members: tuple[PoolEntry, ...]

    @property
    def representative(self) -> PoolEntry:
        """The member with the most copies (the earliest among equals)."""
        return max(self.members, key=lambda e: e.copies)

    @property
    def size(self) -> int:
        """Samples that produced this behaviour, duplicates included."""
        return sum(e.copies for e in self.members)


def shown(execution: Execution) -> Output:
    """A run as the S* core sees it: the output, or how the program ended."""
    if execution.status.ran_cleanly:
        return Output(text=execution.stdout)
    return Output(text=f"(no output: the program ended with {execution.status.value})",
                  clean=False, failure=execution.status.value)


def _outputs(pool: ProblemPool, entry: PoolEntry) -> tuple[Output, ...]:
    return tuple(shown(run) for run in pool.behaviour.get(entry.candidate.id, []))


def clusters(pool: ProblemPool) -> list[Cluster]:
    """Survivors grouped by behaviour, largest first, then most public tests passed, then the
    earliest sampled. Survivors the budget left unrun on the inputs are left out, unless none
    ran, in which case all survivors form one cluster."""
    survivors = pool.survivors()
    ran = [e for e in survivors if e.candidate.id in pool.behaviour]
    if not ran:
        return [Cluster(members=tuple(survivors))] if survivors else []
    order = {e.candidate.id: i for i, e in enumerate(pool.entries)}
    found = [Cluster(members=tuple(g))
             for g in group(ran, lambda entry: _outputs(pool, entry), pool.problem.io)]
    return sorted(found, key=lambda c: (-c.size, -pool.public_passed(c.representative.candidate.id),
                                        order[c.members[0].candidate.id]))


def bracket(pool: ProblemPool) -> Bracket:
    """The pool's knockout: its synthesized inputs, public tests passed as the second
    tie-break."""
    return Bracket(key=pool.problem.id, inputs=tuple(pool.inputs),
                   problems=(pool.problem,) * len(pool.inputs), io=pool.problem.io,
                   merit_decider="public_tests", merit_rule="more public tests passed",
                   failures_lose=True)


def entrant(pool: ProblemPool, cluster: Cluster) -> Entrant:
    """A cluster as an entrant of the pool's bracket, played by its representative."""
    rep = cluster.representative
    return Entrant(id=rep.candidate.id, size=cluster.size,
                   merit=pool.public_passed(rep.candidate.id), outputs=_outputs(pool, rep))
