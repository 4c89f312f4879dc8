"""The library entry points: a `Session` holding the configured generator and sandbox open for
many calls, and `solve`/`solve_all` for one-off use."""

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

from codescale.cluster.cluster import Cluster
from codescale.config import Config
from codescale.execution.protocol import Sandbox
from codescale.fix.bot import fix
from codescale.fix.identity import repository_manifest
from codescale.fix.models import FixReport
from codescale.fix.sandbox_runs import SandboxRuns
from codescale.fix.snapshot import Snapshot
from codescale.llm.cache import CachedGenerator
from codescale.llm.protocol import GenerationRequest, GenerationResult, Generator
from codescale.manifest import RunManifest, claim
from codescale.models import Answer, Problem
from codescale.scaling import pipeline
from codescale.scaling.budget import Budget
from codescale.scaling.runner import Progress, Runner
from codescale.store import RunStore


class _OnFirstUse:
    """A generator opened when the first batch arrives: a run whose work is all recorded, or
    a fix run whose tests already pass, never loads a model."""

    def __init__(self, open_now: Callable[[], Generator]) -> None:
        self._open = open_now
        self._generator: Generator | None = None

    @property
    def name(self) -> str:
        """The backend's name (opens it)."""
        return self._opened().name

    def _opened(self) -> Generator:
        if self._generator is None:
            self._generator = self._open()
        return self._generator

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        """Generate with the opened backend."""
        return self._opened().generate(requests)


class Session:
    """The configured generator and sandbox, opened once and used for many calls (as vLLM's
    `LLM` or httpx's `Client`): `with Session(config) as session: session.solve(problem)`.

    The sandbox and the model open on first use; a generator or sandbox passed in is used
    as it is and left open. Every call records its work in `config.run_dir` (a rerun with
    the same settings resumes; other decisive settings are refused with RunMismatch).
    """

    def __init__(self, config: Config | None = None, *, generator: Generator | None = None,
                 sandbox: Sandbox | None = None) -> None:
        self.config = config or Config()
        self._stack = ExitStack()
        self._sandbox = sandbox
        self._cluster: Cluster | None = None
        self.generator: Generator = generator or _OnFirstUse(self._open_generator)

    def _on_cluster(self) -> Cluster | None:
        """The Ray cluster `[cluster] ray_address` names, connected on first use; None when
        the work runs in this process."""
        if self._cluster is None and self.config.cluster.ray_address:
            self._cluster = Cluster(self.config.cluster)
            self._stack.callback(self._cluster.close)
        return self._cluster

    def _open_generator(self) -> Generator:
        cluster = self._on_cluster()
        generator = cluster.generator(self.config.llm) if cluster else self.config.llm.open()
        if self.config.completion_cache is None:
            return generator
        cached = CachedGenerator(generator, self.config.completion_cache)
        self._stack.callback(cached.close)
        return cached

    @property
    def sandbox(self) -> Sandbox:
        """The sandbox, opened on first use."""
        if self._sandbox is None:
            cluster = self._on_cluster()
            settings = self.config.sandbox
            self._sandbox = cluster.sandbox(settings) if cluster else settings.open()
            self._stack.callback(self._sandbox.close)
        return self._sandbox

    def solve_all(self, problems: Sequence[Problem], progress: Progress | None = None
                  ) -> list[Answer]:
        """Solve all problems in one batched run; the selector's answer per problem."""
        config = self.config
        claim(config.run_dir,
              RunManifest.of(config.llm, config.sandbox, config.scaling, problems))
        store = RunStore.open(config.run_dir)
        try:
            return pipeline.solve(problems, config.scaling, self.generator, self.sandbox, store,
                                  progress)
        finally:
            store.close()

    def solve(self, problem: Problem) -> Answer:
        """Solve one problem with S* test-time scaling and return the selected program."""
        return self.solve_all([problem])[0]

    def fix(self, snapshot: Snapshot, run_dir: Path, progress: Progress | None = None
            ) -> FixReport:
        """Propose a verified patch for the failing tests of the repository in `snapshot`,
        recorded in `run_dir` (a killed run resumes there). The bot draws all `n` candidates
        at once: the fixed-`n` policy, with its 2 debug rounds unless `rounds` is set."""
        config, scaling = self.config, self.config.scaling.as_fixed()
        claim(run_dir, repository_manifest(config, snapshot))
        store = RunStore.open(run_dir)
        try:
            runner = Runner(scaling, self.generator, self.sandbox, store,
                            Budget(scaling.budget, ledger=store), progress)
            runs = SandboxRuns(self.sandbox, snapshot, config.fix.test_command,
                               config.fix.timeout_s, config.fix.memory_mb)
            return fix(snapshot, config.fix, runner, runs)
        finally:
            store.close()

    def close(self) -> None:
        """Close what the session opened (the model, the sandbox)."""
        self._stack.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def solve_all(problems: Sequence[Problem], config: Config,
              progress: Progress | None = None) -> list[Answer]:
    """Solve all problems in one run recorded in `config.run_dir` (a `Session` for one call)."""
    with Session(config) as session:
        return session.solve_all(problems, progress)


def solve(problem: Problem, config: Config | None = None) -> Answer:
    """Solve one problem with S* test-time scaling and return the selected program."""
    return solve_all([problem], config or Config())[0]
