"""What a fix run is: its decisive settings and the repository's content, as a run manifest,
and the run directory it gets by default."""

import hashlib
from pathlib import Path

from codescale.config import Config
from codescale.fix.snapshot import Snapshot
from codescale.llm.model_file import cache_dir
from codescale.manifest import RunManifest, settings_digest


def repository_sha256(snapshot: Snapshot) -> str:
    """A hash of every file of the repository copy (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(snapshot.files):
        content = snapshot.files[path]
        digest.update(f"{path}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def repository_manifest(config: Config, snapshot: Snapshot) -> RunManifest:
    """The manifest of a fix run: the run's decisive settings (the bot draws its candidates
    under the fixed-`n` policy), the `[fix]` table and the repository's content hash."""
    fix = config.fix.model_dump(mode="json")
    return RunManifest.of(config.llm, config.sandbox, config.scaling.as_fixed(), [], more={
        **{f"fix.{key}": value for key, value in fix.items()},
        "fix.repository_sha256": repository_sha256(snapshot)})


def default_fix_run_dir(manifest: RunManifest) -> Path:
    """`~/.cache/codescale/runs/fix-<digest>`: the same repository state and settings resume
    the same run, and nothing is written into the repository (which is often the working
    directory)."""
    return cache_dir() / "runs" / f"fix-{settings_digest(manifest.settings)}"
