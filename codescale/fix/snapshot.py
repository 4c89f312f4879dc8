"""A read-only copy of the repository in memory, with a patch's changes applied on demand,
and the test runner the sandbox image lacks (pytest and its dependencies) as a tar archive."""

import functools
import importlib.util
import io
import os
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field

from codescale.fix.errors import FixError
from codescale.models import Frozen

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache",
                          ".ruff_cache", ".tox", ".nox", ".venv", "venv", "node_modules"})
MAX_BYTES = 32 << 20  # the copy must fit the sandbox's scratch space
# pytest and what it imports at run time; shipped into the sandbox, whose image has no pytest.
TEST_RUNNER_PACKAGES = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py")


class Snapshot(Frozen):
    """The repository's files (path relative to the root, POSIX style -> content)."""

    root: Path
    files: dict[str, bytes] = Field(repr=False)

    @classmethod
    def read(cls, root: Path) -> "Snapshot":
        """Copy the repository's files (tracked and untracked-but-not-ignored in a git work
        tree; otherwise all but caches and VCS folders) without running anything from it."""
        if not root.is_dir():
            raise FixError(f"{root}: not a directory")
        paths = _git_files(root) or _walked_files(root)
        files, total = {}, 0
        for path in paths:
            full = root / path
            if full.is_file() and not full.is_symlink():
                files[path] = full.read_bytes()
                total += len(files[path])
        if total > MAX_BYTES:
            raise FixError(f"{root}: {total >> 20} MiB of files; at most {MAX_BYTES >> 20} MiB "
                           f"fit the sandbox copy")
        return cls(root=root, files=files)

    def text(self, path: str) -> str | None:
        """A file's content as text, None when it is absent or not UTF-8."""
        try:
            return self.files[path].decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            return None

    def python_files(self) -> list[str]:
        """Paths of the Python source files, sorted."""
        return sorted(path for path in self.files if path.endswith(".py"))

    def patched(self, changes: Mapping[str, str] | None = None) -> dict[str, bytes]:
        """The files with `changes` (path -> new text) applied."""
        return {**self.files, **{path: text.encode("utf-8")
                                 for path, text in (changes or {}).items()}}


def _git_files(root: Path) -> list[str] | None:
    """Files git would commit (tracked or untracked, not ignored); None outside a work tree."""
    if not (root / ".git").exists():
        return None
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "-co",
                                 "--exclude-standard"], capture_output=True, check=True,
                                timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return [name for name in listed.stdout.decode("utf-8", errors="replace").split("\0") if name]


def _walked_files(root: Path) -> list[str]:
    paths = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        base = Path(folder).relative_to(root)
        paths += [(base / name).as_posix() for name in sorted(names)]
    return paths


@functools.cache
def test_runner_bundle(folder: str) -> bytes:
    """This interpreter's pytest and its dependencies (source files) in `folder`, as a tar."""
    found: dict[str, bytes] = {}
    for package in TEST_RUNNER_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        if origin.name != "__init__.py":
            found[origin.name] = origin.read_bytes()
            continue
        for source in origin.parent.rglob("*"):
            if source.is_file() and "__pycache__" not in source.parts:
                found[source.relative_to(origin.parent.parent).as_posix()] = source.read_bytes()
    if "pytest/__init__.py" not in found:
        raise FixError("pytest is not installed on this machine; it is copied into the sandbox "
                       "(pip install pytest)")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path, content in found.items():
            member = tarfile.TarInfo(f"{folder}/{path}")
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    return buffer.getvalue()
