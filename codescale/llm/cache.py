"""A persistent SQLite store of completions in front of any Generator.

The key is the generator's name (backend and model), the messages and every sampling
parameter, the seed included. A request with `seed=None` still has one fixed key, so a
rerun replays what the first run drew for it; callers that want fresh draws or exact
reproducibility pass explicit seeds (the scaling stages pass `config.seed`).
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


class CachedGenerator:
    """Serves repeated requests from disk; only misses reach `inner`, still as one batch.

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

    def lookup(self, request: GenerationRequest) -> GenerationResult | None:
        """The stored result for `request`, marked cached, or None."""
        row = self._db.execute("SELECT result FROM completions WHERE key = ?",
                               (cache_key(self.name, request),)).fetchone()
        if row is None:
            return None
        return GenerationResult.model_validate_json(row[0]).model_copy(update={"cached": True})

    def store(self, request: GenerationRequest, result: GenerationResult) -> None:
        """Commit one fresh result."""
        self._db.execute("INSERT OR REPLACE INTO completions (key, generator, result) "
                         "VALUES (?, ?, ?)",
                         (cache_key(self.name, request), self.name,
                          result.model_copy(update={"cached": False}).model_dump_json()))
        self._db.commit()

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Return one result per request, in order; hits are `cached=True`."""
        results = [self.lookup(request) for request in requests]
        misses = [i for i, result in enumerate(results) if result is None]
        if not misses:
            return results  # type: ignore[return-value]
        batch = [requests[i] for i in misses]

        def keep(position: int, result: GenerationResult) -> None:
            self.store(batch[position], result)
            results[misses[position]] = result

        if isinstance(self.inner, IncrementalGenerator):
            self.inner.generate_each(batch, keep)
        else:
            for position, result in enumerate(self.inner.generate(batch)):
                keep(position, result)
        return results  # type: ignore[return-value]
