"""Group survivors by behaviour: same output (by `outputs_match`) on every synthesized input."""

from collections.abc import Sequence

from codescale.execution.compare import outputs_match
from codescale.models import Execution, Frozen, IOStyle
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


def agree(io: IOStyle, a: Execution, b: Execution) -> bool:
    """Two runs on one input agree: both ran and outputs match, or both failed the same way."""
    if a.status.ran_cleanly and b.status.ran_cleanly:
        return outputs_match(io, a.stdout, b.stdout)
    return a.status == b.status


def same_behaviour(io: IOStyle, a: Sequence[Execution], b: Sequence[Execution]) -> bool:
    """True when two candidates agree on every input."""
    return all(agree(io, x, y) for x, y in zip(a, b, strict=True))


def clusters(pool: ProblemPool) -> list[Cluster]:
    """Survivors grouped by behaviour, largest first, then most public tests passed, then the
    earliest sampled. Survivors the budget left unrun on the inputs are left out, unless none
    ran, in which case all survivors form one cluster."""
    survivors = pool.survivors()
    ran = [e for e in survivors if e.candidate.id in pool.behaviour]
    if not ran:
        return [Cluster(members=tuple(survivors))] if survivors else []
    groups: list[list[PoolEntry]] = []
    for entry in ran:
        runs = pool.behaviour[entry.candidate.id]
        home = next((g for g in groups
                     if same_behaviour(pool.problem.io, pool.behaviour[g[0].candidate.id], runs)),
                    None)
        if home is None:
            groups.append([entry])
        else:
            home.append(entry)
    order = {e.candidate.id: i for i, e in enumerate(pool.entries)}
    found = [Cluster(members=tuple(g)) for g in groups]
    return sorted(found, key=lambda c: (-c.size, -pool.public_passed(c.representative.candidate.id),
                                        order[c.members[0].candidate.id]))
