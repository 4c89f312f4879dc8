"""The only writes to the user's repository: `git apply` of a verified patch on a clean tree."""

import subprocess
from pathlib import Path

from codescale.fix.errors import FixError


def _git(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              text=True, timeout=60)
    except OSError as error:
        raise FixError(f"--apply needs git: {error}") from None


def ensure_clean(root: Path) -> None:
    """Raise FixError unless `root` is a git work tree without uncommitted changes."""
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    if status.returncode != 0:
        raise FixError(f"--apply needs a git work tree: {root} is not one")
    changed = [line for line in status.stdout.splitlines() if line.strip()]
    if changed:
        raise FixError(f"--apply refuses a dirty work tree ({len(changed)} changed files, "
                       f"first: {changed[0][3:]}); commit or stash them first")


def apply_patch(root: Path, diff: str) -> None:
    """`git apply` the diff in `root`; FixError (with git's reason) when it does not apply."""
    applied = _git(root, "apply", "--whitespace=nowarn", "-", stdin=diff)
    if applied.returncode != 0:
        reason = (applied.stderr.strip().splitlines() or ["unknown reason"])[0]
        raise FixError(f"git apply failed: {reason}")
