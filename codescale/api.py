"""The library entry points: solve problems with the configured generator and sandbox."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from codescale.config import Config
from codescale.execution.factory import open_sandbox
from codescale.llm.cache import CachedGenerator
from codescale.llm.factory import open_generator
from codescale.llm.protocol import Generator
from codescale.manifest import RunManifest, claim
from codescale.models import Answer, Problem
from codescale.scaling import pipeline
from codescale.scaling.runner import Progress
from codescale.store import RunStore


@contextmanager
def opened_generator(config: Config) -> Iterator[Generator]:
    """The configured generator, behind the persistent completion cache unless disabled."""
    generator = open_generator(config.llm)
    if config.completion_cache is None:
        yield generator
        return
    cached = CachedGenerator(generator, config.completion_cache)
    try:
        yield cached
    finally:
        cached.close()


def solve_all(problems: Sequence[Problem], config: Config,
              progress: Progress | None = None) -> list[Answer]:
    """Solve all problems in one batched run recorded in `config.run_dir`: a rerun with the
    same settings resumes, one with other decisive settings is refused (RunMismatch)."""
    claim(config.run_dir, RunManifest.of(config.llm, config.sandbox, config.scaling, problems))
    store = RunStore.open(config.run_dir)
    try:
        with open_sandbox(config.sandbox) as sandbox, opened_generator(config) as generator:
            return pipeline.solve(problems, config.scaling, generator, sandbox, store, progress)
    finally:
        store.close()


def solve(problem: Problem, config: Config | None = None) -> Answer:
    """Solve one problem with S* test-time scaling and return the selected program."""
    return solve_all([problem], config or Config())[0]
