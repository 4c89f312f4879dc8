"""Fixture repositories made from real PyPI projects with suites of hundreds of tests.

Each project's pinned sdist is downloaded once (`pip download`, checked against its SHA-256)
into a cache directory, `$CODESCALE_SDIST_CACHE` or codescale's cache folder (`sdists` in
`$XDG_CACHE_HOME/codescale` or ~/.cache/codescale); a test unpacks
it, seeds one bug by an exact text replacement that must match once, and commits the copy
with git. A download that fails skips the test, naming why; the sdists are never committed.
"""

import difflib
import hashlib
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest

from codescale.llm.model_file import cache_dir

SDIST_CACHE = Path(os.environ.get("CODESCALE_SDIST_CACHE") or cache_dir() / "sdists")


class Project(NamedTuple):
    """A pinned PyPI project, how its tests run, and the bug seeded into it."""

    name: str
    version: str
    sdist: str  # the file name pip downloads
    sha256: str
    test_command: str
    path: str  # the file the bug goes into, relative to the unpacked root
    original: str  # text that occurs exactly once in that file
    bug: str  # what replaces it
    failing: tuple[str, ...]  # the tests the bug makes fail

    @property
    def folder(self) -> str:
        """The folder the sdist unpacks into."""
        return self.sdist.removesuffix(".tar.gz")


def sdist(project: Project) -> Path:
    """The project's sdist from the cache, downloaded first if it is not there."""
    archive = SDIST_CACHE / project.sdist
    if not archive.is_file():
        SDIST_CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "--disable-pip-version-check", "-q", "-d", str(SDIST_CACHE),
             f"{project.name}=={project.version}"],
            capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 or not archive.is_file():
            why = (done.stderr.strip().splitlines() or ["no sdist came"])[-1]
            pytest.skip(f"cannot download {project.name}=={project.version} from PyPI: {why}")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert digest == project.sha256, f"{archive}: SHA-256 {digest}, not {project.sha256}"
    return archive


def seeded_copy(project: Project, into: Path) -> Path:
    """The project unpacked below `into` with its bug seeded, committed in a new git repo."""
    with tarfile.open(sdist(project)) as archive:
        archive.extractall(into, filter="data")
    root = into / project.folder
    target = root / project.path
    text = target.read_text(encoding="utf-8")
    assert text.count(project.original) == 1, f"{project.path}: the seed must match once"
    target.write_text(text.replace(project.original, project.bug), encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed"]):
        subprocess.run(["git", "-C", str(root), *command], check=True, capture_output=True)
    return root


def diff_answer(root: Path, path: str, old: str, new: str) -> str:
    """A model answer holding a unified diff that replaces `old` by `new` in `path`."""
    before = (root / path).read_text(encoding="utf-8")
    assert before.count(old) == 1, f"{path}: the answer's change must match once"
    lines = difflib.unified_diff(before.splitlines(keepends=True),
                                 before.replace(old, new).splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return f"The bug is here; this fixes it.\n```diff\n{''.join(lines)}```\n"


def function_answer(source: str) -> str:
    """A model answer holding a whole corrected function."""
    return f"Here is the corrected function.\n```python\n{source}```\n"
