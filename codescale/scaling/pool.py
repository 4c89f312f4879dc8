"""A problem's candidate pool: unique programs with copy counts and what running them showed."""

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from codescale.models import Candidate, Execution, Frozen, Problem, Status, TestCase
from codescale.scaling.extract import normalise


class PoolEntry(Frozen):
    """One unique program and how many samples (or revisions) produced it."""

    candidate: Candidate
    copies: int = Field(default=1, ge=1)


class ProblemPool(BaseModel):
    """Everything the pipeline knows about one problem; selectors read only this.

    `public` maps candidate ids to their executions on the public tests (in test order);
    `behaviour` maps survivor ids to their executions on `inputs` (synthesized inputs);
    `predicted` holds the outputs the LLM guessed for some of those inputs.
    """

    model_config = ConfigDict(extra="forbid")

    problem: Problem
    entries: list[PoolEntry] = []
    public: dict[str, list[Execution]] = {}
    inputs: list[str] = []
    behaviour: dict[str, list[Execution]] = {}
    predicted: dict[str, str] = {}
    _by_program: dict[str, int] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object) -> None:
        """Index the programs already in the pool."""
        self._by_program = {normalise(e.candidate.code): i for i, e in enumerate(self.entries)}

    def add(self, candidate: Candidate, copies: int = 1) -> PoolEntry:
        """Add a program, merging it into an identical one already present; returns the entry."""
        key = normalise(candidate.code)
        if key in self._by_program:
            index = self._by_program[key]
            kept = self.entries[index]
            self.entries[index] = PoolEntry(candidate=kept.candidate, copies=kept.copies + copies)
        else:
            index = self._by_program[key] = len(self.entries)
            self.entries.append(PoolEntry(candidate=candidate, copies=copies))
        return self.entries[index]

    def entry(self, candidate_id: str) -> PoolEntry:
        """The entry of a candidate id."""
        return next(e for e in self.entries if e.candidate.id == candidate_id)

    @property
    def public_tests(self) -> tuple[TestCase, ...]:
        """The problem's public tests."""
        return self.problem.public_tests

    def public_passed(self, candidate_id: str) -> int:
        """How many public tests the candidate passed (0 when not yet run)."""
        return sum(e.status == Status.PASSED for e in self.public.get(candidate_id, []))

    def passes_public(self, candidate_id: str) -> bool:
        """True when the candidate has run and passed every public test."""
        return (candidate_id in self.public
                and self.public_passed(candidate_id) == len(self.public_tests))

    def survivors(self) -> list[PoolEntry]:
        """Entries that pass every public test, in pool order."""
        return [e for e in self.entries if self.passes_public(e.candidate.id)]

    def sampled(self) -> list[PoolEntry]:
        """Round-0 entries: what plain sampling, without execution feedback, produced."""
        return [e for e in self.entries if e.candidate.round == 0]
