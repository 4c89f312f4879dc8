"""What a run directory was made with: its decisive settings and its problems.

A run directory stores a manifest when created: the package version, the settings that
change results (generator backend, model and its weights' SHA-256, the scaling settings,
the sandbox limits) and a content hash per problem. Resuming compares: a differing setting,
or a problem whose content changed, is refused with one line naming both values; problems
not seen before are added. Settings that only change speed or presentation (pool size,
concurrency, which strategies answer) may differ.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from codescale.errors import CodescaleError
from codescale.execution.config import SandboxConfig
from codescale.llm.config import LLMConfig
from codescale.models import Problem
from codescale.scaling.config import BEFORE_WAVES, ScalingConfig
from codescale.store import FILENAME as STORE_FILENAME

FILENAME = "manifest.json"
_SCALING_FREE = ("selector", "baselines")
"""Scaling settings that only pick which strategies answer from the same pool."""
_SCALING_ADDED_LATER: dict[str, Any] = {
    "revise": "failing", "adaptive": BEFORE_WAVES, "judge_both_orders": False}
"""Scaling settings newer than the first manifests, with the value runs made before them had:
left out while they hold it, so those runs still resume and keep their default run
directory."""

WAVE_SCHEME = "doubling"
"""How an adaptive run's waves grow, recorded beside its settings: runs made while every wave
drew `wave` samples lack it and are refused, not read as doubling waves."""


class RunMismatch(CodescaleError):
    """A run directory holds a run made with other settings or other problem contents."""


def package_version() -> str:
    """The installed codescale version ("unknown" when it is not installed)."""
    try:
        return version("codescale")
    except PackageNotFoundError:
        return "unknown"


def _flat(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat |= _flat(f"{prefix}{key}.", value)
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _unchanged(settings: BaseModel, before: Mapping[str, Any]) -> set[str]:
    """The fields of `settings` that hold the value `before` gives them."""
    return {field for field, value in before.items() if getattr(settings, field) == value}


def _defaults(settings: BaseModel, fields: tuple[str, ...]) -> dict[str, Any]:
    """The default value of each of `fields`."""
    return {field: type(settings).model_fields[field].get_default(call_default_factory=True)
            for field in fields}


def decisive_settings(llm: LLMConfig, sandbox: SandboxConfig,
                      scaling: ScalingConfig) -> dict[str, Any]:
    """The settings that change a run's results, as `group.key` -> JSON value (settings
    added after the first manifests only when they differ from what earlier runs had)."""
    llm_values = llm.model_dump(mode="json", include=set(llm.DECISIVE)
                                - _unchanged(llm, _defaults(llm, llm.ADDED_LATER)))
    sandbox_values = sandbox.model_dump(mode="json", include=set(sandbox.DECISIVE))
    scaling_values = scaling.model_dump(mode="json", exclude=set(_SCALING_FREE)
                                        | _unchanged(scaling, _SCALING_ADDED_LATER))
    if scaling.adaptive.enabled:
        scaling_values["adaptive"]["waves"] = WAVE_SCHEME
    return {"codescale": package_version(), **_flat("llm.", llm_values),
            **_flat("sandbox.", sandbox_values), **_flat("scaling.", scaling_values)}


def settings_digest(settings: dict[str, Any]) -> str:
    """A short digest of decisive settings: the same settings, the same default run dir."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


_ADDED_LATER = ("checker_code", "reference_solution")
"""Problem fields newer than the first manifests: left out of the hash while unset, so runs
made before them still resume."""


def problem_sha256(problem: Problem) -> str:
    """A hash of everything a problem holds (statement, tests, limits)."""
    unset = {field for field in _ADDED_LATER if getattr(problem, field) is None}
    return hashlib.sha256(problem.model_dump_json(exclude=unset).encode()).hexdigest()


class RunManifest(BaseModel):
    """The decisive settings of a run and the content hash of each of its problems."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    settings: dict[str, Any]
    problems: dict[str, str]

    @classmethod
    def of(cls, llm: LLMConfig, sandbox: SandboxConfig, scaling: ScalingConfig,
           problems: Sequence[Problem], more: Mapping[str, Any] | None = None) -> "RunManifest":
        """The manifest of a run with these settings (and `more` decisive ones, such as a
        fix run's repository and test command) over these problems."""
        settings = decisive_settings(llm, sandbox, scaling) | dict(more or {})
        settings["llm.weights_sha256"] = llm.weights_sha256()
        return cls(settings=settings,
                   problems={problem.id: problem_sha256(problem) for problem in problems})

    def merged_into(self, recorded: "RunManifest", run_dir: Path) -> "RunManifest":
        """`recorded` extended with this run's new problems; RunMismatch (one line naming
        the first difference and both values) when a setting or a known problem differs."""
        hint = "rerun with the recorded settings or use another --run-dir"
        keys = dict.fromkeys([*recorded.settings, *self.settings])
        for key in keys:
            old, new = recorded.settings.get(key), self.settings.get(key)
            if old != new:
                raise RunMismatch(f"{run_dir} holds a run made with {key}={old!r}; this run "
                                  f"has {key}={new!r}; {hint}")
        for problem_id, digest in self.problems.items():
            if recorded.problems.get(problem_id, digest) != digest:
                raise RunMismatch(f"{run_dir} holds a run of another version of problem "
                                  f"{problem_id!r} (its statement or tests changed); {hint}")
        return recorded.model_copy(update={"problems": recorded.problems | self.problems})


def claim(run_dir: Path, manifest: RunManifest) -> None:
    """Record `manifest` in a new run directory, or check it against the one recorded there
    (adding new problems). Raises RunMismatch, or OSError when the directory is unusable."""
    path = run_dir / FILENAME
    if not path.exists() and (run_dir / STORE_FILENAME).exists():
        raise RunMismatch(f"{run_dir} holds a run without a manifest (made by an older "
                          "codescale), so its settings cannot be checked; use another --run-dir")
    if path.exists():
        try:
            recorded = RunManifest.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise RunMismatch(f"{path}: unreadable run manifest ({error}); "
                              "use another --run-dir") from None
        merged = manifest.merged_into(recorded, run_dir)
        if merged == recorded:
            return
    else:
        merged = manifest
    run_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(merged.model_dump_json(indent=1), encoding="utf-8")
    partial.replace(path)
