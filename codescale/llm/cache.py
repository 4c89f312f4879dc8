"""A persistent SQLite store of completions in front of any Generator.

Seeded requests are stored per sample: the key of sample k is the key of the request with
`n=1` and seed `seed+k` (backends draw sample k with that seed). So a request for 16 samples
after one for 8 with the same seed draws only the 8 new ones, and samples drawn in waves
are the samples of one large request. The key is the generator's name (backend and model),
the messages and every sampling parameter. A request with `seed=None` is stored whole under
one fixed key, so a rerun replays what the first run drew for it; callers that want fresh
draws or exact reproducibility pass explicit seeds (the scaling stages pass `config.seed`).
Caches written before samples had their own keys are still read (whole-request keys).
"""

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from codescale.llm.backend import IncrementalGenerator
from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    generator TEXT NOT NULL,
    result TEXT NOT NULL
)
"""


def cache_key(generator: str, request: GenerationRequest) -> str:
    """SHA-256 over the generator name, the messages and all sampling parameters."""
    payload = json.dumps({"generator": generator, "request": request.model_dump(mode="json")},
                         sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def sample_requests(request: GenerationRequest) -> list[GenerationRequest] | None:
    """The request as one request per sample (`n=1`, seeds `seed`, `seed+1`, ...), or None
    when it has no seed."""
    params = request.params
    if params.seed is None:
        return None
    return [request.model_copy(update={"params": params.model_copy(
        update={"n": 1, "seed": params.seed + k})}) for k in range(params.n)]


def _consecutive(requests: list[GenerationRequest]) -> list[GenerationRequest]:
    """One-sample requests merged into one request per run of consecutive seeds."""
    merged: list[GenerationRequest] = []
    for request in requests:
        last = merged[-1].params if merged else None
        if last is not None and last.seed is not None and request.params.seed == last.seed + last.n:
            merged[-1] = merged[-1].model_copy(update={"params": last.model_copy(
                update={"n": last.n + 1})})
        else:
            merged.append(request)
    return merged


class CachedGenerator:
    """Serves what it holds from disk; only what is missing reaches `inner`, still as one
    batch (for a seeded request: the samples not drawn yet).

    Each result is committed as soon as the inner backend reports it, so an interrupted
    run keeps everything generated before the interruption.
    """

    def __init__(self, inner: Generator, path: Path) -> None:
        self.inner = inner
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(_SCHEMA)
        self._db.commit()

    @property
    def name(self) -> str:
        """The inner generator's name: a cache is transparent."""
        return self.inner.name

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def _get(self, key: str) -> GenerationResult | None:
        row = self._db.execute("SELECT result FROM completions WHERE key = ?", (key,)).fetchone()
        return None if row is None else GenerationResult.model_validate_json(row[0])

    def _read(self, request: GenerationRequest, fresh: frozenset[str] = frozenset()
              ) -> GenerationResult | None:
        """The stored result for `request`, completions not stored under a `fresh` key
        marked cached; None when any sample is missing."""
        whole_key = cache_key(self.name, request)
        whole = self._get(whole_key)
        if whole is not None:
            found, keys = [whole], [whole_key] * len(whole.completions)
            completions = whole.completions
        else:
            parts = sample_requests(request)
            keys = [cache_key(self.name, part) for part in parts or []]
            stored = [self._get(key) for key in keys]
            if not keys or any(result is None for result in stored):
                return None
            found = [result for result in stored if result is not None]
            completions = tuple(result.completions[0] for result in found)
        marked = tuple(c.model_copy(update={"cached": key not in fresh})
                       for c, key in zip(completions, keys, strict=True))
        return GenerationResult(completions=marked, prompt_tokens=found[0].prompt_tokens,
                                cached=all(c.cached for c in marked))

    def lookup(self, request: GenerationRequest) -> GenerationResult | None:
        """The stored result for `request`, every completion marked cached, or None."""
        return self._read(request)

    def _missing(self, request: GenerationRequest) -> list[GenerationRequest]:
        """What to ask the backend for a request not fully stored: the samples not drawn yet,
        as few requests as their seeds allow (the whole request when it has no seed)."""
        parts = sample_requests(request)
        if parts is None:
            return [request]
        return _consecutive([part for part in parts if self._get(cache_key(self.name, part))
                             is None])

    def store(self, request: GenerationRequest, result: GenerationResult) -> list[str]:
        """Commit one fresh result (per sample when seeded); returns the keys written."""
        parts = sample_requests(request)
        if parts is None:
            rows = [(cache_key(self.name, request), result)]
        else:
            rows = [(cache_key(self.name, part), GenerationResult(
                completions=(completion,), prompt_tokens=result.prompt_tokens))
                for part, completion in zip(parts, result.completions, strict=False)]
        self._db.executemany(
            "INSERT OR REPLACE INTO completions (key, generator, result) VALUES (?, ?, ?)",
            [(key, self.name, row.model_copy(update={"cached": False}).model_dump_json())
             for key, row in rows])
        self._db.commit()
        return [key for key, _ in rows]

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Return one result per request, in order; what the cache served is marked cached
        (the result too, when all of it was)."""
        results = [self.lookup(request) for request in requests]
        pending = [(i, part) for i, request in enumerate(requests) if results[i] is None
                   for part in self._missing(request)]
        if not pending:
            return results  # type: ignore[return-value]
        batch = [part for _, part in pending]
        written: set[str] = set()
        drawn: dict[int, list[GenerationResult]] = {}

        def keep(position: int, result: GenerationResult) -> None:
            written.update(self.store(batch[position], result))
            drawn.setdefault(pending[position][0], []).append(result)

        if isinstance(self.inner, IncrementalGenerator):
            self.inner.generate_each(batch, keep)
        else:
            for position, result in enumerate(self.inner.generate(batch)):
                keep(position, result)
        fresh = frozenset(written)
        for i in dict.fromkeys(i for i, _ in pending):
            results[i] = self._read(requests[i], fresh) or _joined(drawn[i])
        return results  # type: ignore[return-value]


def _joined(results: list[GenerationResult]) -> GenerationResult:
    """Results a backend gave for one request, as one (when it returned fewer samples than
    asked, so that the cache cannot assemble them by seed)."""
    return GenerationResult(completions=tuple(c for r in results for c in r.completions),
                            prompt_tokens=results[0].prompt_tokens)


class ChargedReplays:
    """A generator whose cached completions are charged as if generated. For a cache that
    holds only what one run generated (an evaluation's own), a hit is that run's work from an
    interrupted session, never charged; benchmarks comparing settings charge each arm what
    it needs on its own."""

    def __init__(self, inner: Generator) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        """The inner generator's name."""
        return self.inner.name

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """The inner results with every cached flag cleared."""
        return [result.model_copy(update={"cached": False, "completions": tuple(
            c.model_copy(update={"cached": False}) for c in result.completions)})
            for result in self.inner.generate(requests)]
